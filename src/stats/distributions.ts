/**
 * Quantiles and distribution functions behind the confidence intervals, from @stdlib (ports of
 * Boost/Cephes, accurate to the last digits R prints). Thin wrappers so the rest of src/stats names
 * what it uses and the @stdlib packages stay in one place.
 */
import { createRequire } from 'node:module';
import type BetaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import type FCdf from '@stdlib/stats-base-dists-f-cdf';
import type FQuantile from '@stdlib/stats-base-dists-f-quantile';
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import type TCdf from '@stdlib/stats-base-dists-t-cdf';
import type TQuantile from '@stdlib/stats-base-dists-t-quantile';

// The t, F and beta packages pull in a hundred small modules (0.1 s of a command's start); most
// commands never need them, so they are required on first use.
const require = createRequire(import.meta.url);
function onFirstUse<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
const tCdfImpl = onFirstUse<typeof TCdf>('@stdlib/stats-base-dists-t-cdf');
const tQuantileImpl = onFirstUse<typeof TQuantile>('@stdlib/stats-base-dists-t-quantile');
const fCdfImpl = onFirstUse<typeof FCdf>('@stdlib/stats-base-dists-f-cdf');
const fQuantileImpl = onFirstUse<typeof FQuantile>('@stdlib/stats-base-dists-f-quantile');
const betaQuantileImpl = onFirstUse<typeof BetaQuantile>('@stdlib/stats-base-dists-beta-quantile');

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
  return tQuantileImpl()(probability, degreesOfFreedom);
}

/** Two-sided p-value of a t statistic. */
export function twoSidedTP(t: number, degreesOfFreedom: number): number {
  return 2 * tCdfImpl()(-Math.abs(t), degreesOfFreedom);
}

export function fQuantile(probability: number, numeratorDf: number, denominatorDf: number): number {
  return fQuantileImpl()(probability, numeratorDf, denominatorDf);
}

/** Upper-tail probability P(F > f). */
export function fUpperTail(f: number, numeratorDf: number, denominatorDf: number): number {
  return 1 - fCdfImpl()(f, numeratorDf, denominatorDf);
}

export function betaQuantile(probability: number, alpha: number, beta: number): number {
  return betaQuantileImpl()(probability, alpha, beta);
}

/** z of a two-sided (1 - alpha) interval: 1.959964 for 95 %. */
export const Z_95 = normalQuantile(0.975);
