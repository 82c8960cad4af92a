/**
 * Quantiles and distribution functions behind the confidence intervals, from @stdlib (ports of
 * Boost/Cephes, accurate to the last digits R prints). Thin wrappers so the rest of src/stats names
 * what it uses and the @stdlib packages stay in one place.
 */
import betaQuantileImpl from '@stdlib/stats-base-dists-beta-quantile';
import fCdfImpl from '@stdlib/stats-base-dists-f-cdf';
import fQuantileImpl from '@stdlib/stats-base-dists-f-quantile';
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';

export function normalQuantile(probability: number): number {
  return normalQuantileImpl(probability, 0, 1);
}

export function normalCdf(z: number): number {
  return normalCdfImpl(z, 0, 1);
}

/** Two-sided p-value of a standard-normal statistic, without cancellation for large |z|. */
export function twoSidedNormalP(z: number): number {
  return 2 * normalCdf(-Math.abs(z));
}

export function tQuantile(probability: number, degreesOfFreedom: number): number {
  return tQuantileImpl(probability, degreesOfFreedom);
}

/** Two-sided p-value of a t statistic. */
export function twoSidedTP(t: number, degreesOfFreedom: number): number {
  return 2 * tCdfImpl(-Math.abs(t), degreesOfFreedom);
}

export function fQuantile(probability: number, numeratorDf: number, denominatorDf: number): number {
  return fQuantileImpl(probability, numeratorDf, denominatorDf);
}

/** Upper-tail probability P(F > f). */
export function fUpperTail(f: number, numeratorDf: number, denominatorDf: number): number {
  return 1 - fCdfImpl(f, numeratorDf, denominatorDf);
}

export function betaQuantile(probability: number, alpha: number, beta: number): number {
  return betaQuantileImpl(probability, alpha, beta);
}

/** z of a two-sided (1 - alpha) interval: 1.959964 for 95 %. */
export const Z_95 = normalQuantile(0.975);
