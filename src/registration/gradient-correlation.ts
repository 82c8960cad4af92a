import { OpenBmdError } from '../core/errors.js';

/** A single-channel image as the registration sees it: row-major values. */
export interface GreyImage {
  data: Float32Array;
  rows: number;
  columns: number;
}

/**
 * Sobel derivatives along columns (x) and rows (y), borders replicated: the 3 x 3 kernels
 * [-1 0 1; -2 0 2; -1 0 1] and its transpose, unnormalised (as OpenCV's Sobel with ksize 3).
 */
export function sobelGradients(image: GreyImage): { x: Float32Array; y: Float32Array } {
  const { data, rows, columns } = image;
  const x = new Float32Array(rows * columns);
  const y = new Float32Array(rows * columns);
  const at = (r: number, c: number): number => data[Math.min(rows - 1, Math.max(0, r)) * columns + Math.min(columns - 1, Math.max(0, c))]!;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) {
      const a = at(r - 1, c - 1);
      const b = at(r - 1, c);
      const d = at(r - 1, c + 1);
      const e = at(r, c - 1);
      const f = at(r, c + 1);
      const g = at(r + 1, c - 1);
      const h = at(r + 1, c);
      const k = at(r + 1, c + 1);
      x[r * columns + c] = d + 2 * f + k - (a + 2 * e + g);
      y[r * columns + c] = g + 2 * h + k - (a + 2 * b + d);
    }
  return { x, y };
}

/** Pearson correlation of two equally long arrays over the pixels `use` admits (all when absent); 0 when either is constant. */
function normalisedCrossCorrelation(a: Float32Array, b: Float32Array, use: Uint8Array | undefined): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let p = 0; p < a.length; p++) {
    if (use !== undefined && use[p] === 0) continue;
    n++;
    sa += a[p]!;
    sb += b[p]!;
  }
  if (n < 2) return 0;
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let p = 0; p < a.length; p++) {
    if (use !== undefined && use[p] === 0) continue;
    const da = a[p]! - ma;
    const db = b[p]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Gradient correlation (Penney et al., IEEE TMI 1998): the mean of the normalised cross-correlations
 * of the two images' horizontal and of their vertical Sobel derivatives. It compares edges, not
 * grey levels, so a DRR and a radiograph of other processing, gain and offset still agree where
 * their bones do; 1 for identical images, -1 for inverted ones. `mask` limits it to some pixels.
 */
export function gradientCorrelation(o: { fixed: GreyImage; moving: GreyImage; mask?: Uint8Array }): number {
  if (o.fixed.rows !== o.moving.rows || o.fixed.columns !== o.moving.columns)
    throw new OpenBmdError(
      'INCONSISTENT',
      `gradient correlation compares images of one size, got ${o.fixed.rows} x ${o.fixed.columns} and ${o.moving.rows} x ${o.moving.columns}`,
    );
  const f = sobelGradients(o.fixed);
  const m = sobelGradients(o.moving);
  return (normalisedCrossCorrelation(f.x, m.x, o.mask) + normalisedCrossCorrelation(f.y, m.y, o.mask)) / 2;
}
