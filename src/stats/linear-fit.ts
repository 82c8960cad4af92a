import { tQuantile, twoSidedTP } from './distributions.js';
import { leastSquaresLine } from './least-squares-line.js';
import { type Interval, UNDEFINED_INTERVAL } from './sample-policy.js';

/** Ordinary least squares y = slope * x + intercept. */
export interface LinearFit {
  n: number;
  slope: number;
  intercept: number;
  /** Coefficient of determination of this regression (equals Pearson r squared). */
  r2: number;
  /** Standard error of estimate: sqrt(residual sum of squares / (n - 2)), in y's unit. */
  see: number;
  slopeCi95: Interval;
  /** p-value of the t test of slope = 0. */
  slopeP: number;
}

/** Needs two pairs; slope is NaN when x is constant, and `see` and the CI need three. */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  const { n, slope, intercept, r2, residualSquares, sxx } = leastSquaresLine(x, y);
  if (!Number.isFinite(slope) || n < 3) return { n, slope, intercept, r2, see: Number.NaN, slopeCi95: UNDEFINED_INTERVAL, slopeP: Number.NaN };
  const see = Math.sqrt(residualSquares / (n - 2));
  const slopeSe = see / Math.sqrt(sxx);
  const t = tQuantile(0.975, n - 2);
  const slopeP = slopeSe === 0 ? (slope === 0 ? 1 : 0) : twoSidedTP(slope / slopeSe, n - 2);
  return { n, slope, intercept, r2, see, slopeCi95: [slope - t * slopeSe, slope + t * slopeSe], slopeP };
}
