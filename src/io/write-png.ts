import { writeFile } from 'node:fs/promises';
import { encode } from 'fast-png';

/** Writes a greyscale PNG (8-bit labels or pictures, 16-bit measurements). */
export async function writeGreyPng(file: string, data: Uint8Array | Uint16Array, columns: number, rows: number): Promise<void> {
  const depth = data instanceof Uint16Array ? 16 : 8;
  await writeFile(file, encode({ width: columns, height: rows, data, depth, channels: 1 }));
}

/** Writes an 8-bit RGB PNG. */
export async function writeRgbPng(file: string, rgb: Uint8Array, columns: number, rows: number): Promise<void> {
  await writeFile(file, encode({ width: columns, height: rows, data: rgb, depth: 8, channels: 3 }));
}
