import { Z_95 } from './distributions.js';
import { centredMoments } from './descriptive.js';
import { type Interval, UNDEFINED_INTERVAL, requirePaired } from './sample-policy.js';

export interface PearsonCorrelation {
  n: number;
  r: number;
  /** 95 % CI by Fisher's z transform; undefined (NaN) below four pairs or when r is. */
  ci95: Interval;
}

/** Pearson's r; NaN when either sample is constant. Needs two pairs. */
export function pearsonCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): PearsonCorrelation {
  requirePaired(x, y, 'Pearson correlation', 2);
  const n = x.length;
  const { sxx, syy, sxy } = centredMoments(x, y);
  const denominator = Math.sqrt(sxx * syy);
  const r = denominator === 0 ? Number.NaN : clampCorrelation(sxy / denominator);
  return { n, r, ci95: fisherInterval(r, n) };
}

function fisherInterval(r: number, n: number): Interval {
  if (!Number.isFinite(r) || n < 4) return UNDEFINED_INTERVAL;
  if (Math.abs(r) === 1) return [r, r];
  const z = Math.atanh(r);
  const halfWidth = Z_95 / Math.sqrt(n - 3);
  return [Math.tanh(z - halfWidth), Math.tanh(z + halfWidth)];
}

/** Rounding can push |r| a hair past 1. */
function clampCorrelation(r: number): number {
  return Math.max(-1, Math.min(1, r));
}
