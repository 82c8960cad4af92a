import FFT from 'fft.js';
import { OpenBmdError } from '../core/errors.js';

/** Smallest power of two >= n (at least 2, fft.js's minimum). */
export function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/** A complex 2-D array, interleaved (re, im), row-major, sides powers of two. */
export interface ComplexGrid {
  rows: number;
  columns: number;
  data: Float64Array;
}

/** fft.js, typed: the transforms read and write interleaved complex arrays. */
interface Transform {
  transform(out: Float64Array, data: Float64Array): void;
  inverseTransform(out: Float64Array, data: Float64Array): void;
}

const transforms = new Map<number, Transform>();
function transformOfSize(n: number): Transform {
  let t = transforms.get(n);
  if (t === undefined) {
    t = new FFT(n) as unknown as Transform;
    transforms.set(n, t);
  }
  return t;
}

/** In-place 2-D FFT (inverse scaled by 1 / (rows columns)): the rows, then the columns. */
export function fft2d(grid: ComplexGrid, inverse: boolean): void {
  const { rows, columns, data } = grid;
  if (rows !== nextPowerOfTwo(rows) || columns !== nextPowerOfTwo(columns)) throw new OpenBmdError('INTERNAL', `fft2d needs power-of-two sides, got ${rows}x${columns}`);
  const run = (t: Transform, out: Float64Array, input: Float64Array): void => (inverse ? t.inverseTransform(out, input) : t.transform(out, input));
  const rowTransform = transformOfSize(columns);
  const rowIn = new Float64Array(2 * columns);
  const rowOut = new Float64Array(2 * columns);
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(2 * r * columns, 2 * (r + 1) * columns);
    rowIn.set(row);
    run(rowTransform, rowOut, rowIn);
    row.set(rowOut);
  }
  const columnTransform = transformOfSize(rows);
  const columnIn = new Float64Array(2 * rows);
  const columnOut = new Float64Array(2 * rows);
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < rows; r++) {
      columnIn[2 * r] = data[2 * (r * columns + c)]!;
      columnIn[2 * r + 1] = data[2 * (r * columns + c) + 1]!;
    }
    run(columnTransform, columnOut, columnIn);
    for (let r = 0; r < rows; r++) {
      data[2 * (r * columns + c)] = columnOut[2 * r]!;
      data[2 * (r * columns + c) + 1] = columnOut[2 * r + 1]!;
    }
  }
}

/** A real image placed at the top left of a zero complex grid of the given sides, transformed. */
export function realSpectrum(values: ArrayLike<number>, columns: number, rows: number, gridColumns: number, gridRows: number): ComplexGrid {
  const data = new Float64Array(2 * gridRows * gridColumns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) data[2 * (r * gridColumns + c)] = values[r * columns + c]!;
  const grid = { rows: gridRows, columns: gridColumns, data };
  fft2d(grid, false);
  return grid;
}

/**
 * Cross-correlation of an image with a kernel at every position where the kernel fits:
 * out(x, y) = sum over (i, j) of kernel(i, j) image(x + i, y + j), for x in [0, W - w], y in
 * [0, H - h]. `imageSpectrum` is the image's `realSpectrum` on a grid at least as large as the
 * image (no wrap-around reaches these positions), so it can be shared by several kernels.
 */
export function correlateValid(imageSpectrum: ComplexGrid, imageColumns: number, imageRows: number, kernel: ArrayLike<number>, kernelColumns: number, kernelRows: number): Float64Array {
  const k = realSpectrum(kernel, kernelColumns, kernelRows, imageSpectrum.columns, imageSpectrum.rows);
  const a = imageSpectrum.data;
  const b = k.data;
  // Image spectrum times the kernel's conjugate = correlation.
  for (let i = 0; i < b.length; i += 2) {
    const re = a[i]! * b[i]! + a[i + 1]! * b[i + 1]!;
    const im = a[i + 1]! * b[i]! - a[i]! * b[i + 1]!;
    b[i] = re;
    b[i + 1] = im;
  }
  fft2d(k, true);
  const outColumns = imageColumns - kernelColumns + 1;
  const outRows = imageRows - kernelRows + 1;
  const out = new Float64Array(outColumns * outRows);
  for (let y = 0; y < outRows; y++) for (let x = 0; x < outColumns; x++) out[y * outColumns + x] = b[2 * (y * k.columns + x)]!;
  return out;
}
