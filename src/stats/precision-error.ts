import { mean, sampleVariance } from './descriptive.js';
import { requireFinite } from './sample-policy.js';
import { OpenBmdError } from '../core/errors.js';

/**
 * ISCD short-term precision from repeated measurements of the same people: root-mean-square SD and
 * CV pooled over people (each weighted by its degrees of freedom, which is the plain RMS when every
 * person has the same number of repeats), and the least significant change at 95 % confidence,
 * 2.77 x precision (= 1.96 * sqrt(2)).
 */
export interface PrecisionError {
  people: number;
  /** Sum over people of (repeats - 1). ISCD asks for at least 30 (e.g. 30 x 2 or 15 x 3). */
  degreesOfFreedom: number;
  rmsSd: number;
  /** As a fraction (0.01 = 1 %). */
  rmsCv: number;
  lscAbsolute: number;
  /** As a fraction. */
  lscRelative: number;
}

export const LSC_FACTOR_95 = 2.77;

/** `repeats[p]` holds person p's measurements; every person needs two or more. */
export function precisionError(repeats: readonly (readonly number[])[]): PrecisionError {
  if (repeats.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'precision: no people');
  let weightedVariance = 0;
  let weightedCvSquared = 0;
  let degreesOfFreedom = 0;
  repeats.forEach((values, person) => {
    requireFinite(values, `precision person ${person}`, 2);
    const df = values.length - 1;
    const variance = sampleVariance(values);
    const personMean = mean(values);
    weightedVariance += df * variance;
    weightedCvSquared += df * (personMean === 0 ? Number.NaN : variance / (personMean * personMean));
    degreesOfFreedom += df;
  });
  const rmsSd = Math.sqrt(weightedVariance / degreesOfFreedom);
  const rmsCv = Math.sqrt(weightedCvSquared / degreesOfFreedom);
  return {
    people: repeats.length,
    degreesOfFreedom,
    rmsSd,
    rmsCv,
    lscAbsolute: LSC_FACTOR_95 * rmsSd,
    lscRelative: LSC_FACTOR_95 * rmsCv,
  };
}
