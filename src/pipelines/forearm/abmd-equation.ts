import { OpenBmdError } from '../../core/errors.js';
import { leastSquares } from '../../stats/least-squares.js';

/** Seed 000's Eq. [2]: aBMD = P (T_b - Q T_t) + R, with T the equivalent wedge thicknesses (mm). */
export interface AbmdEquation {
  pGPerCm2PerMm: number;
  q: number;
  rGPerCm2: number;
  n: number;
}

/**
 * Least squares of Eq. [2] on a training set. The equation is linear in (P, P Q, R):
 * aBMD = P T_b + (-P Q) T_t + R, so ordinary least squares on [T_b, T_t, 1] gives the three
 * coefficients, and Q = -(coefficient of T_t) / P.
 */
export function fitAbmdEquation(radiusThicknessMm: readonly number[], softTissueThicknessMm: readonly number[], abmdGPerCm2: readonly number[]): AbmdEquation {
  const n = abmdGPerCm2.length;
  if (n < 4) throw new OpenBmdError('EMPTY_INPUT', `Eq. [2] needs at least 4 training cases, got ${n}`);
  const rows = abmdGPerCm2.map((_, i) => [radiusThicknessMm[i]!, softTissueThicknessMm[i]!, 1]);
  const [p, minusPq, r] = leastSquares(rows, abmdGPerCm2, 'Eq. [2]') as [number, number, number];
  return { pGPerCm2PerMm: p, q: -minusPq / p, rGPerCm2: r, n };
}

export function applyAbmdEquation(e: AbmdEquation, radiusThicknessMm: number, softTissueThicknessMm: number): number {
  return e.pGPerCm2PerMm * (radiusThicknessMm - e.q * softTissueThicknessMm) + e.rGPerCm2;
}
