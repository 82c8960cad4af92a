import { OpenBmdError } from '../../core/errors.js';

/**
 * Seed 001's sample weights (Eqs. 9-10): d = |y - mean y|, w = 1.5 - (d - dmin) / (dmax - dmin), so
 * weights run from 1.5 (at the cohort mean) to 0.5 (the farthest case). As published; a cohort whose
 * values are all equal gets weight 1 everywhere.
 */
export function bmdSampleWeights(values: readonly number[]): number[] {
  if (values.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'sample weights need at least one value');
  if (values.some((v) => !Number.isFinite(v))) throw new OpenBmdError('INVALID_VALUE', 'sample weights need finite values');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const distances = values.map((v) => Math.abs(v - mean));
  const dMin = Math.min(...distances);
  const dMax = Math.max(...distances);
  if (dMax === dMin) return values.map(() => 1);
  return distances.map((d) => 1.5 - (d - dMin) / (dMax - dMin));
}
