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
export interface Transform {
  transform(out: Float64Array, data: Float64Array): void;
  inverseTransform(out: Float64Array, data: Float64Array): void;
}

const transforms = new Map<number, Transform>();
/** fft.js's transform of a size (a power of two), made once. */
export function transformOfSize(n: number): Transform {
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
  if (rows !== nextPowerOfTwo(rows) || columns !== nextPowerOfTwo(columns))
    throw new OpenBmdError('INTERNAL', `fft2d needs power-of-two sides, got ${rows}x${columns}`);
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
 * Two correlations for the price of one forward and one inverse transform: kernels a and b are
 * packed as a + i b, their (Hermitian) spectra separated by symmetry, multiplied by the conjugates
 * into the two image spectra, and the two real results packed again for the inverse. Returns
 * correlateValid(spectrumA, kernelA) and correlateValid(spectrumB, kernelB).
 */
export function correlateValidPair(
  spectrumA: ComplexGrid,
  spectrumB: ComplexGrid,
  imageColumns: number,
  imageRows: number,
  kernelA: ArrayLike<number>,
  kernelB: ArrayLike<number>,
  kernelColumns: number,
  kernelRows: number,
): [Float64Array, Float64Array] {
  const gridRows = spectrumA.rows;
  const gridColumns = spectrumA.columns;
  const z = new Float64Array(2 * gridRows * gridColumns);
  for (let r = 0; r < kernelRows; r++) {
    for (let c = 0; c < kernelColumns; c++) {
      z[2 * (r * gridColumns + c)] = kernelA[r * kernelColumns + c]!;
      z[2 * (r * gridColumns + c) + 1] = kernelB[r * kernelColumns + c]!;
    }
  }
  const packed = { rows: gridRows, columns: gridColumns, data: z };
  fft2d(packed, false);
  const product = new Float64Array(z.length);
  const sa = spectrumA.data;
  const sb = spectrumB.data;
  for (let r = 0; r < gridRows; r++) {
    const rr = (gridRows - r) % gridRows;
    for (let c = 0; c < gridColumns; c++) {
      const k = 2 * (r * gridColumns + c);
      const m = 2 * (rr * gridColumns + ((gridColumns - c) % gridColumns));
      // Fa = (Z[k] + conj Z[-k]) / 2, Fb = (Z[k] - conj Z[-k]) / (2i).
      const faRe = (z[k]! + z[m]!) / 2;
      const faIm = (z[k + 1]! - z[m + 1]!) / 2;
      const fbRe = (z[k + 1]! + z[m + 1]!) / 2;
      const fbIm = (z[m]! - z[k]!) / 2;
      // Pa = Sa conj(Fa), Pb = Sb conj(Fb); packed as Pa + i Pb (both inverses are real).
      const paRe = sa[k]! * faRe + sa[k + 1]! * faIm;
      const paIm = sa[k + 1]! * faRe - sa[k]! * faIm;
      const pbRe = sb[k]! * fbRe + sb[k + 1]! * fbIm;
      const pbIm = sb[k + 1]! * fbRe - sb[k]! * fbIm;
      product[k] = paRe - pbIm;
      product[k + 1] = paIm + pbRe;
    }
  }
  const result = { rows: gridRows, columns: gridColumns, data: product };
  fft2d(result, true);
  const outColumns = imageColumns - kernelColumns + 1;
  const outRows = imageRows - kernelRows + 1;
  const a = new Float64Array(outColumns * outRows);
  const b = new Float64Array(outColumns * outRows);
  for (let y = 0; y < outRows; y++) {
    for (let x = 0; x < outColumns; x++) {
      a[y * outColumns + x] = product[2 * (y * gridColumns + x)]!;
      b[y * outColumns + x] = product[2 * (y * gridColumns + x) + 1]!;
    }
  }
  return [a, b];
}
