import { OpenBmdError } from '../core/errors.js';

/**
 * The input policy shared by every statistic in src/stats:
 * - fewer values than a statistic needs (an empty sample above all) throws EMPTY_INPUT;
 * - a NaN or infinite value throws INVALID_VALUE naming its position, because a silently skipped
 *   value changes n and every CI with it; callers such as `evaluate` drop and report bad rows first;
 * - a statistic that valid input leaves undefined (zero variance, too few values for a CI, a
 *   class without members) is NaN, which metrics.json writes as null.
 */
export function requireFinite(values: ArrayLike<number>, what: string, minimumCount = 1): void {
  if (values.length < minimumCount) {
    throw new OpenBmdError('EMPTY_INPUT', `${what}: needs at least ${minimumCount} value${minimumCount === 1 ? '' : 's'}, got ${values.length}`);
  }
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i]!;
    if (!Number.isFinite(value)) {
      throw new OpenBmdError('INVALID_VALUE', `${what}: value ${i} is ${String(value)}, not a finite number`);
    }
  }
}

/** Paired samples: same length, both finite. */
export function requirePaired(first: ArrayLike<number>, second: ArrayLike<number>, what: string, minimumCount = 1): void {
  if (first.length !== second.length) {
    throw new OpenBmdError('INVALID_VALUE', `${what}: paired samples differ in length (${first.length} vs ${second.length})`);
  }
  requireFinite(first, `${what} (first sample)`, minimumCount);
  requireFinite(second, `${what} (second sample)`, minimumCount);
}

/** A 95 % (or other) interval; both ends NaN when it is undefined for the data. */
export type Interval = readonly [lower: number, upper: number];

export const UNDEFINED_INTERVAL: Interval = [Number.NaN, Number.NaN];
