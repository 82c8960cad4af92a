import { Z_95, betaQuantile } from './distributions.js';
import { type Interval, UNDEFINED_INTERVAL } from './sample-policy.js';
import { OpenBmdError } from '../core/errors.js';

export type ProportionIntervalMethod = 'clopper-pearson' | 'wilson';

/** A proportion with its 95 % CI; value and CI are NaN when the denominator is 0. */
export interface Proportion {
  successes: number;
  total: number;
  value: number;
  ci95: Interval;
}

export function proportion(successes: number, total: number, method: ProportionIntervalMethod): Proportion {
  if (!Number.isInteger(successes) || !Number.isInteger(total) || successes < 0 || successes > total) {
    throw new OpenBmdError('INVALID_VALUE', `proportion: ${successes} of ${total} is not a count`);
  }
  if (total === 0) return { successes, total, value: Number.NaN, ci95: UNDEFINED_INTERVAL };
  const ci95 = method === 'wilson' ? wilsonInterval(successes, total) : clopperPearsonInterval(successes, total);
  return { successes, total, value: successes / total, ci95 };
}

/** Exact (Clopper-Pearson) interval from beta quantiles, as R's binom.test. */
export function clopperPearsonInterval(successes: number, total: number): Interval {
  const lower = successes === 0 ? 0 : betaQuantile(0.025, successes, total - successes + 1);
  const upper = successes === total ? 1 : betaQuantile(0.975, successes + 1, total - successes);
  return [lower, upper];
}

/** Wilson score interval without continuity correction, as R's prop.test(correct = FALSE). */
export function wilsonInterval(successes: number, total: number): Interval {
  const p = successes / total;
  const z2 = Z_95 * Z_95;
  const centre = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / (1 + z2 / total);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
