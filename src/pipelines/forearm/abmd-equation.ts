import { OpenBmdError } from '../../core/errors.js';

/** Seed 000's Eq. [2]: aBMD = P (T_b - Q T_t) + R, with T the equivalent wedge thicknesses (mm). */
export interface AbmdEquation {
  pGPerCm2PerMm: number;
  q: number;
  rGPerCm2: number;
  n: number;
}

/** Solves a 3x3 linear system by Gaussian elimination with partial pivoting. */
function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < 3; c++) {
    let pivot = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    if (Math.abs(m[c]![c]!) < 1e-12) throw new OpenBmdError('INVALID_VALUE', 'Eq. [2] cannot be fitted: the thicknesses are collinear (too few or too similar cases)');
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return [0, 1, 2].map((i) => m[i]![3]! / m[i]![i]!);
}

/**
 * Least squares of Eq. [2] on a training set. The equation is linear in (P, P Q, R):
 * aBMD = P T_b + (-P Q) T_t + R, so ordinary least squares on [T_b, T_t, 1] gives the three
 * coefficients, and Q = -(coefficient of T_t) / P.
 */
export function fitAbmdEquation(radiusThicknessMm: readonly number[], softTissueThicknessMm: readonly number[], abmdGPerCm2: readonly number[]): AbmdEquation {
  const n = abmdGPerCm2.length;
  if (n < 4) throw new OpenBmdError('EMPTY_INPUT', `Eq. [2] needs at least 4 training cases, got ${n}`);
  const xtx = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const xty = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const row = [radiusThicknessMm[i]!, softTissueThicknessMm[i]!, 1];
    for (let a = 0; a < 3; a++) {
      xty[a]! += row[a]! * abmdGPerCm2[i]!;
      for (let b = 0; b < 3; b++) xtx[a]![b]! += row[a]! * row[b]!;
    }
  }
  const [p, minusPq, r] = solve3(xtx, xty) as [number, number, number];
  return { pGPerCm2PerMm: p, q: -minusPq / p, rGPerCm2: r, n };
}

export function applyAbmdEquation(e: AbmdEquation, radiusThicknessMm: number, softTissueThicknessMm: number): number {
  return e.pGPerCm2PerMm * (radiusThicknessMm - e.q * softTissueThicknessMm) + e.rGPerCm2;
}
