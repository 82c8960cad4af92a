import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CtSliceOptions } from './dicom-bytes.js';
import { ctSlice } from './dicom-bytes.js';

export interface SeriesSpec {
  rows: number;
  columns: number;
  slices: number;
  sliceSpacingMm: number;
  /** Stored value at (i, j, k); HU = stored * slope + intercept. */
  value: (i: number, j: number, k: number) => number;
  intercept?: number;
  /** z positions to use instead of k * spacing (for gaps and uneven stacks). */
  zPositions?: number[];
  /** Per-slice shift of the position along y (a gantry tilt). */
  tiltShiftMm?: number;
  extra?: CtSliceOptions['extra'];
  /** ImageOrientationPatient (default axial). */
  orientation?: CtSliceOptions['orientation'];
}

/** Writes a CT series as one file per slice, named in shuffled order so readers must sort. */
export function writeCtSeries(folder: string, spec: SeriesSpec): string[] {
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  const zs = spec.zPositions ?? Array.from({ length: spec.slices }, (_, k) => -100 + k * spec.sliceSpacingMm);
  zs.forEach((z, k) => {
    const stored = new Int16Array(spec.rows * spec.columns);
    for (let j = 0; j < spec.rows; j++) for (let i = 0; i < spec.columns; i++) stored[j * spec.columns + i] = spec.value(i, j, k);
    const name = `slice-${String((k * 7919) % 10007).padStart(5, '0')}.dcm`;
    const path = join(folder, name);
    writeFileSync(
      path,
      ctSlice({
        rows: spec.rows,
        columns: spec.columns,
        stored,
        positionMm: [-50, -60 + k * (spec.tiltShiftMm ?? 0), z],
        spacingMm: [0.8, 0.75],
        instance: k + 1,
        intercept: spec.intercept ?? -1024,
        ...(spec.extra === undefined ? {} : { extra: spec.extra }),
        ...(spec.orientation === undefined ? {} : { orientation: spec.orientation }),
      }),
    );
    files.push(path);
  });
  return files;
}
