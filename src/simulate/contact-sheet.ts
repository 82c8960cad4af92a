import { join } from 'node:path';
import { dicomFrameToImage2D } from '../io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../io/dicom/read-dicom.js';
import { writeGreyPng } from '../io/write-png.js';

/**
 * A contact sheet of simulated images as one greyscale PNG (each tile scaled to `tileHeight` rows,
 * windowed to its 1st-99th percentile, displayed as a radiologist sees it): for looking at a cohort.
 */
export async function writeContactSheet(outDir: string, imagePaths: readonly string[], file: string, tileHeight = 400): Promise<void> {
  const tiles: { data: Uint8Array; columns: number }[] = [];
  for (const relative of imagePaths) {
    const image = dicomFrameToImage2D(await readDicomFile(join(outDir, relative)));
    const [columns, rows] = image.size;
    const scale = tileHeight / rows;
    const tileColumns = Math.max(1, Math.round(columns * scale));
    const values = Float64Array.from(image.data).sort();
    const low = values[Math.floor(0.01 * (values.length - 1))]!;
    const high = values[Math.floor(0.99 * (values.length - 1))]!;
    const data = new Uint8Array(tileColumns * tileHeight);
    for (let j = 0; j < tileHeight; j++) {
      for (let i = 0; i < tileColumns; i++) {
        const v = image.data[Math.min(rows - 1, Math.floor(j / scale)) * columns + Math.min(columns - 1, Math.floor(i / scale))]!;
        data[j * tileColumns + i] = Math.round(255 * Math.min(1, Math.max(0, (v - low) / (high - low || 1))));
      }
    }
    tiles.push({ data, columns: tileColumns });
  }
  const gap = 4;
  const width = tiles.reduce((s, t) => s + t.columns + gap, 0);
  const sheet = new Uint8Array(width * tileHeight);
  let x = 0;
  for (const t of tiles) {
    for (let j = 0; j < tileHeight; j++) sheet.set(t.data.subarray(j * t.columns, (j + 1) * t.columns), j * width + x);
    x += t.columns + gap;
  }
  await writeGreyPng(file, sheet, width, tileHeight);
}
