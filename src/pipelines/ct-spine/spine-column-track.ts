import type { Volume3D } from '../../core/volume3d.js';

/**
 * Where the spinal column lies in each axial slice of a canonical CT volume (+x patient left, +y
 * posterior, +z superior), found from anatomy alone: the largest run of bone near the body's left-
 * right midline in its posterior part. Lengths are index-mm (index times spacing), as elsewhere in
 * the pipeline.
 */
export interface SpineColumnTrack {
  /** Per slice: the column's left-right centre (smoothed along z). */
  xMm: Float64Array;
  /** Per slice: the centre of the bone run along y (posterior elements included; smoothed). */
  yMm: Float64Array;
}

/** Bone in CT: above the 200 HU that cortex and dense cancellous bone exceed and soft tissue, blood and discs do not (all < 120 HU unenhanced). */
export const BONE_HU = 200;
/** Body (anything not air or lung). */
const BODY_HU = -400;
/** Half-width of the band around the body's midline where the column is looked for, mm (vertebral bodies are 40-50 mm wide). */
const MIDLINE_HALF_MM = 30;
/** Extent of the vertebra along y, mm (body 30-35 mm plus canal and posterior elements, Panjabi 1992). */
const COLUMN_DEPTH_MM = 60;

/** Running median over a window of slices, ignoring slices without a value (NaN); NaN where none is near. */
export function runningMedian(values: Float64Array, halfWindow: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let k = 0; k < values.length; k++) {
    const near: number[] = [];
    for (let d = -halfWindow; d <= halfWindow; d++) {
      const v = values[k + d];
      if (v !== undefined && !Number.isNaN(v)) near.push(v);
    }
    if (near.length === 0) continue;
    near.sort((a, b) => a - b);
    out[k] = near[Math.floor(near.length / 2)]!;
  }
  return fillGaps(out);
}

/** Fills NaN runs by linear interpolation (by the nearest value at the ends). */
export function fillGaps(values: Float64Array): Float64Array {
  const out = Float64Array.from(values);
  let before = -1;
  for (let k = 0; k < out.length; k++) {
    if (Number.isNaN(out[k]!)) continue;
    for (let q = before + 1; q < k; q++) out[q] = before < 0 ? out[k]! : out[before]! + ((out[k]! - out[before]!) * (q - before)) / (k - before);
    before = k;
  }
  if (before >= 0) for (let q = before + 1; q < out.length; q++) out[q] = out[before]!;
  return out;
}

/** Tracks the spinal column slice by slice. */
export function trackSpineColumn(volume: Volume3D): SpineColumnTrack {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const x = new Float64Array(nz).fill(Number.NaN);
  const y = new Float64Array(nz).fill(Number.NaN);
  const window = Math.max(1, Math.round(COLUMN_DEPTH_MM / sy));
  for (let k = 0; k < nz; k++) {
    const base = nx * ny * k;
    // The body's extent and left-right centre.
    let count = 0;
    let sumI = 0;
    let front = ny;
    let back = -1;
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (volume.data[base + j * nx + i]! > BODY_HU) {
          count++;
          sumI += i;
          if (j < front) front = j;
          if (j > back) back = j;
        }
    if (count < 100) continue;
    const centreI = sumI / count;
    const i0 = Math.max(0, Math.floor(centreI - MIDLINE_HALF_MM / sx));
    const i1 = Math.min(nx - 1, Math.ceil(centreI + MIDLINE_HALF_MM / sx));
    // Bone per row near the midline, then the densest run of rows in the posterior two thirds of the body.
    const perRow = new Float64Array(ny);
    for (let j = front; j <= back; j++) for (let i = i0; i <= i1; i++) if (volume.data[base + j * nx + i]! > BONE_HU) perRow[j]!++;
    const firstRow = Math.round(front + (back - front) / 3);
    let best = 0;
    let bestStart = -1;
    let run = 0;
    for (let j = firstRow; j <= back; j++) {
      run += perRow[j]!;
      if (j - firstRow >= window) run -= perRow[j - window]!;
      if (run > best) {
        best = run;
        bestStart = Math.max(firstRow, j - window + 1);
      }
    }
    // At least 100 mm2 of bone: a vertebral cross-section is 1000-1800 mm2, a disc slice still holds its posterior elements.
    if (bestStart < 0 || best * sx * sy < 100) continue;
    let sumX = 0;
    let sumY = 0;
    let n = 0;
    for (let j = bestStart; j < bestStart + window && j < ny; j++)
      for (let i = i0; i <= i1; i++)
        if (volume.data[base + j * nx + i]! > BONE_HU) {
          sumX += i;
          sumY += j;
          n++;
        }
    x[k] = (sumX / n) * sx;
    y[k] = (sumY / n) * sy;
  }
  const half = Math.max(1, Math.round(20 / sz));
  return { xMm: runningMedian(x, half), yMm: runningMedian(y, half) };
}
