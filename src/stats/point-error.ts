import { median, mean, sampleSd } from './descriptive.js';
import { requireFinite } from './sample-policy.js';
import { OpenBmdError } from '../core/errors.js';

/** A landmark position in mm (image frame or patient frame; both sides must use the same one). */
export interface PointMm {
  readonly xMm: number;
  readonly yMm: number;
  readonly zMm?: number;
}

export interface PointErrorSummary {
  n: number;
  medianMm: number;
  meanMm: number;
  sdMm: number;
  maxMm: number;
  outlierThresholdMm: number;
  /** Share (0..1) of errors strictly above the threshold. */
  outlierShare: number;
}

export function pointDistancesMm(predicted: readonly PointMm[], reference: readonly PointMm[]): Float64Array {
  if (predicted.length !== reference.length) {
    throw new OpenBmdError('INVALID_VALUE', `point error: ${predicted.length} predicted vs ${reference.length} reference points`);
  }
  return Float64Array.from(predicted, (p, i) => {
    const r = reference[i]!;
    return Math.hypot(p.xMm - r.xMm, p.yMm - r.yMm, (p.zMm ?? 0) - (r.zMm ?? 0));
  });
}

export function summarizePointErrors(distancesMm: ArrayLike<number>, outlierThresholdMm: number): PointErrorSummary {
  requireFinite(distancesMm, 'point errors', 1);
  let outliers = 0;
  let maxMm = 0;
  for (let i = 0; i < distancesMm.length; i += 1) {
    const d = distancesMm[i]!;
    if (d > outlierThresholdMm) outliers += 1;
    maxMm = Math.max(maxMm, d);
  }
  return {
    n: distancesMm.length,
    medianMm: median(distancesMm),
    meanMm: mean(distancesMm),
    sdMm: sampleSd(distancesMm),
    maxMm,
    outlierThresholdMm,
    outlierShare: outliers / distancesMm.length,
  };
}
