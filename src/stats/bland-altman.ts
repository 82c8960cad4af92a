import { Z_95, tQuantile } from './distributions.js';
import { elementwiseDifference, mean, sampleSd } from './descriptive.js';
import { linearFit } from './linear-fit.js';
import { type Interval, UNDEFINED_INTERVAL, requirePaired } from './sample-policy.js';

/** Bland-Altman agreement of a method against a reference (differences are method - reference). */
export interface BlandAltman {
  n: number;
  bias: number;
  biasCi95: Interval;
  /** SD of the differences. */
  sd: number;
  loaLower: number;
  loaUpper: number;
  /** CIs of the limits with Bland & Altman's (1999) standard error sd * sqrt(1/n + z^2 / (2 (n - 1))). */
  loaLowerCi95: Interval;
  loaUpperCi95: Interval;
  /** Slope of the differences regressed on the pair means: proportional bias when its CI excludes 0. */
  proportionalBiasSlope: number;
  proportionalBiasSlopeCi95: Interval;
  proportionalBiasP: number;
  /** Per pair, for the plot. */
  means: Float64Array;
  differences: Float64Array;
}

/** Needs two pairs; the CIs need three. */
export function blandAltman(method: ArrayLike<number>, reference: ArrayLike<number>): BlandAltman {
  requirePaired(method, reference, 'Bland-Altman', 2);
  const n = method.length;
  const differences = elementwiseDifference(method, reference);
  const means = new Float64Array(n);
  for (let i = 0; i < n; i += 1) means[i] = (method[i]! + reference[i]!) / 2;
  const bias = mean(differences);
  const sd = sampleSd(differences);
  const loaLower = bias - Z_95 * sd;
  const loaUpper = bias + Z_95 * sd;
  const t = n >= 3 ? tQuantile(0.975, n - 1) : Number.NaN;
  const biasHalf = (t * sd) / Math.sqrt(n);
  const loaHalf = t * sd * Math.sqrt(1 / n + (Z_95 * Z_95) / (2 * (n - 1)));
  const proportional = linearFit(means, differences);
  const defined = n >= 3;
  return {
    n,
    bias,
    biasCi95: defined ? [bias - biasHalf, bias + biasHalf] : UNDEFINED_INTERVAL,
    sd,
    loaLower,
    loaUpper,
    loaLowerCi95: defined ? [loaLower - loaHalf, loaLower + loaHalf] : UNDEFINED_INTERVAL,
    loaUpperCi95: defined ? [loaUpper - loaHalf, loaUpper + loaHalf] : UNDEFINED_INTERVAL,
    proportionalBiasSlope: proportional.slope,
    proportionalBiasSlopeCi95: proportional.slopeCi95,
    proportionalBiasP: proportional.slopeP,
    means,
    differences,
  };
}
