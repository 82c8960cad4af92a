import { OpenBmdError } from '../core/errors.js';
import { percentileOf } from '../stats/percentile.js';

/** One child measured twice: the same anatomy and exposure, only the bone mineral changed. */
export interface MineralPair {
  caseId: string;
  truthLow: number;
  truthHigh: number;
  predictedLow: number;
  predictedHigh: number;
}

/** How much of a true change in bone a measurement shows, at fixed anatomy (1 = all of it). */
export interface MineralResponse {
  n: number;
  /** Least squares through the origin of the predicted change on the true change. */
  slope: number;
  /** Per child: predicted change / true change. */
  medianRatio: number;
  ratioQuartiles: [number, number];
}

/**
 * The response to bone at fixed anatomy. A least-squares calibration leans on whatever correlates
 * with the target in its training population (a child's size, say); then a high correlation can go
 * with a number that hardly moves when only the bone does. This measures that movement directly.
 */
export function mineralResponse(pairs: readonly MineralPair[]): MineralResponse {
  const usable = pairs.filter((p) => [p.truthLow, p.truthHigh, p.predictedLow, p.predictedHigh].every(Number.isFinite) && p.truthHigh !== p.truthLow);
  if (usable.length < 3) throw new OpenBmdError('EMPTY_INPUT', `the mineral response needs at least 3 children measured at both factors, got ${usable.length}`);
  let sumProduct = 0;
  let sumSquare = 0;
  const ratios: number[] = [];
  for (const p of usable) {
    const truth = p.truthHigh - p.truthLow;
    const predicted = p.predictedHigh - p.predictedLow;
    sumProduct += truth * predicted;
    sumSquare += truth * truth;
    ratios.push(predicted / truth);
  }
  return {
    n: usable.length,
    slope: sumProduct / sumSquare,
    medianRatio: percentileOf(ratios, 0.5),
    ratioQuartiles: [percentileOf(ratios, 0.25), percentileOf(ratios, 0.75)],
  };
}
