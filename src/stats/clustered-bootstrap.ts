import { SeededRandom } from '../core/seeded-random.js';
import { OpenBmdError } from '../core/errors.js';
import { percentileOf } from './percentile.js';
import { type Interval, UNDEFINED_INTERVAL } from './sample-policy.js';

export interface ClusteredBootstrapOptions<T> {
  /** The observations grouped by what makes them dependent (a person's radiographs in several poses). */
  clusters: readonly (readonly T[])[];
  /** The statistic of a sample of observations (NaN where it is undefined for that sample). */
  statistic: (sample: readonly T[]) => number;
  /** Resamples (default 2000). */
  resamples?: number;
  /** Seed of the resampling, so a report is the same on every run (default 1). */
  seed?: number;
  /** Two-sided coverage (default 0.95). */
  coverage?: number;
}

/**
 * Percentile bootstrap interval of a statistic, resampling whole clusters with replacement (Davison
 * & Hinkley 1997, section 3.8): four radiographs of one person are not four independent
 * observations, and an interval that treats them so (Fisher's z on every radiograph) is too narrow.
 * Resamples whose statistic is not finite are left out; undefined (NaN) when half or more are.
 */
export function clusteredBootstrapInterval<T>(o: ClusteredBootstrapOptions<T>): Interval {
  const resamples = o.resamples ?? 2000;
  const coverage = o.coverage ?? 0.95;
  if (!(coverage > 0 && coverage < 1) || !Number.isInteger(resamples) || resamples < 1) {
    throw new OpenBmdError('INVALID_VALUE', `clustered bootstrap: coverage ${coverage} must lie in (0, 1) and resamples ${resamples} be a positive integer`);
  }
  if (o.clusters.length < 2) return UNDEFINED_INTERVAL;
  const random = new SeededRandom(o.seed ?? 1);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample: T[] = [];
    for (let k = 0; k < o.clusters.length; k++) sample.push(...o.clusters[random.nextInt(o.clusters.length)]!);
    const value = o.statistic(sample);
    if (Number.isFinite(value)) values.push(value);
  }
  if (values.length <= resamples / 2) return UNDEFINED_INTERVAL;
  const tail = (1 - coverage) / 2;
  return [percentileOf(values, tail), percentileOf(values, 1 - tail)];
}
