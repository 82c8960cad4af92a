import { centredMoments } from './descriptive.js';
import { requirePaired } from './sample-policy.js';

/** The ordinary least-squares line y = slope * x + intercept, without inference. */
export interface LeastSquaresLine {
  n: number;
  slope: number;
  intercept: number;
  /** Coefficient of determination (equals Pearson r squared); NaN when y is constant. */
  r2: number;
  /** Residual sum of squares, in y's unit squared. */
  residualSquares: number;
  /** Sum of squared deviations of x from its mean (the slope's standard error divides by its root). */
  sxx: number;
}

/**
 * The line alone: calibrations that need no confidence interval (the CT rods, the step wedge) take
 * this and never load the t distribution (about 0.1 s of module loading in a one-series analyze).
 * Needs two pairs; slope and intercept are NaN when x is constant.
 */
export function leastSquaresLine(x: ArrayLike<number>, y: ArrayLike<number>): LeastSquaresLine {
  requirePaired(x, y, 'linear fit', 2);
  const n = x.length;
  const { meanX, meanY, sxx, syy, sxy } = centredMoments(x, y);
  if (sxx === 0) return { n, slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN, residualSquares: Number.NaN, sxx };
  const slope = sxy / sxx;
  const residualSquares = Math.max(0, syy - slope * sxy);
  return { n, slope, intercept: meanY - slope * meanX, r2: syy === 0 ? Number.NaN : 1 - residualSquares / syy, residualSquares, sxx };
}
