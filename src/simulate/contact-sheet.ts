import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Volume3D } from '../core/volume3d.js';
import { dicomFrameToImage2D } from '../io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../io/dicom/read-dicom.js';
import { readDicomSeries } from '../io/dicom/series/read-series.js';
import { writeGreyPng } from '../io/write-png.js';

interface Tile {
  data: Uint8Array;
  columns: number;
}

/**
 * A contact sheet of simulated images as one greyscale PNG, each tile `tileHeight` rows, displayed
 * as a radiologist sees it: radiographs windowed to the 1st-99th percentile of their unsaturated
 * pixels; a CT series as its middle axial slice (abdomen window 40/400 HU) and a coronal reformat
 * through the volume's centre (bone window 400/1800 HU). For looking at a cohort.
 */
export async function writeContactSheet(outDir: string, imagePaths: readonly string[], file: string, tileHeight = 400): Promise<void> {
  const tiles: Tile[] = [];
  for (const relative of imagePaths) {
    const path = join(outDir, relative);
    if ((await stat(path)).isDirectory()) {
      const volume = (await readDicomSeries(path)).volume;
      tiles.push(axialTile(volume, tileHeight), coronalTile(volume, tileHeight));
      continue;
    }
    const image = dicomFrameToImage2D(await readDicomFile(path));
    const [columns, rows] = image.size;
    const values = Float64Array.from(image.data).sort();
    // Leave out saturated pixels (open field, collimation) so the anatomy gets the grey range.
    const lo = values.findIndex((v) => v > values[0]!);
    let hi = values.length - 1;
    while (hi > 0 && values[hi] === values[values.length - 1]) hi--;
    const inner = lo >= 0 && hi > lo ? values.subarray(lo, hi + 1) : values;
    const low = inner[Math.floor(0.01 * (inner.length - 1))]!;
    const high = inner[Math.floor(0.99 * (inner.length - 1))]!;
    tiles.push(resample(columns, rows, (i, j) => image.data[j * columns + i]!, low, high, tileHeight, 1));
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

/** Nearest-neighbour resampling of a 2-D field to `tileHeight` rows, `aspect` = row spacing over column spacing. */
function resample(columns: number, rows: number, at: (i: number, j: number) => number, low: number, high: number, tileHeight: number, aspect: number): Tile {
  const scale = tileHeight / rows;
  const tileColumns = Math.max(1, Math.round((columns * scale) / aspect));
  const data = new Uint8Array(tileColumns * tileHeight);
  for (let j = 0; j < tileHeight; j++) {
    for (let i = 0; i < tileColumns; i++) {
      const v = at(Math.min(columns - 1, Math.floor((i * aspect) / scale)), Math.min(rows - 1, Math.floor(j / scale)));
      data[j * tileColumns + i] = Math.round(255 * Math.min(1, Math.max(0, (v - low) / (high - low || 1))));
    }
  }
  return { data, columns: tileColumns };
}

function axialTile(v: Volume3D, tileHeight: number): Tile {
  const [nx, ny, nz] = v.size;
  const k = Math.floor(nz / 2);
  return resample(nx, ny, (i, j) => v.data[i + nx * (j + ny * k)]!, 40 - 200, 40 + 200, tileHeight, v.spacingMm[1] / v.spacingMm[0]);
}

/** Coronal plane through the centre row, superior at the top. */
function coronalTile(v: Volume3D, tileHeight: number): Tile {
  const [nx, ny, nz] = v.size;
  const j = Math.floor(ny / 2);
  return resample(nx, nz, (i, r) => v.data[i + nx * (j + ny * (nz - 1 - r))]!, 400 - 900, 400 + 900, tileHeight, v.spacingMm[2] / v.spacingMm[0]);
}
