import { OpenBmdError } from '../core/errors.js';

/**
 * Ordinary least squares: the coefficients b minimising |X b - y|^2 for the design rows X (include
 * a column of ones for an intercept), from the normal equations by Gaussian elimination with
 * partial pivoting. Small designs only (a few columns). Collinear columns are INVALID_VALUE.
 */
export function leastSquares(rows: readonly (readonly number[])[], y: readonly number[], what: string): number[] {
  const p = rows[0]?.length ?? 0;
  if (rows.length < p || p === 0) throw new OpenBmdError('EMPTY_INPUT', `${what} needs at least ${p} cases, got ${rows.length}`);
  const m = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  rows.forEach((row, i) => {
    for (let a = 0; a < p; a++) {
      m[a]![p]! += row[a]! * y[i]!;
      for (let b = 0; b < p; b++) m[a]![b]! += row[a]! * row[b]!;
    }
  });
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    if (Math.abs(m[c]![c]!) < 1e-12)
      throw new OpenBmdError('INVALID_VALUE', `${what} cannot be fitted: its inputs are collinear (too few or too similar cases)`);
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= p; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[p]! / row[i]!);
}
