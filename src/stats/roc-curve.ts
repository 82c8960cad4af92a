import { OpenBmdError } from '../core/errors.js';
import { requireFinite } from './sample-policy.js';
import { lowerBound } from './sorted-search.js';

/**
 * ROC analysis of a score where larger means "more likely positive" (pROC's direction "<":
 * controls below cases). Thresholds lie midway between consecutive distinct scores, plus -Inf and
 * +Inf, as pROC places them; a case is called positive when score >= threshold.
 */
export interface RocPoint {
  threshold: number;
  sensitivity: number;
  specificity: number;
}

export interface YoudenCutoff extends RocPoint {
  /** sensitivity + specificity - 1 */
  youdenJ: number;
}

export interface LabelledScores {
  /** Scores of the positives (cases). */
  cases: Float64Array;
  /** Scores of the negatives (controls). */
  controls: Float64Array;
}

export function splitByLabel(scores: ArrayLike<number>, positive: ArrayLike<boolean>): LabelledScores {
  if (scores.length !== positive.length) {
    throw new OpenBmdError('INVALID_VALUE', `ROC: ${scores.length} scores vs ${positive.length} labels`);
  }
  requireFinite(scores, 'ROC scores', 1);
  const cases: number[] = [];
  const controls: number[] = [];
  for (let i = 0; i < scores.length; i += 1) (positive[i] ? cases : controls).push(scores[i]!);
  return { cases: Float64Array.from(cases), controls: Float64Array.from(controls) };
}

/** Points from threshold -Inf (sensitivity 1) to +Inf (specificity 1). Empty when a class is absent. */
export function rocCurve(groups: LabelledScores): RocPoint[] {
  const { cases, controls } = groups;
  if (cases.length === 0 || controls.length === 0) return [];
  const sortedCases = Float64Array.from(cases).sort();
  const sortedControls = Float64Array.from(controls).sort();
  const distinct = Array.from(new Set([...sortedCases, ...sortedControls])).sort((a, b) => a - b);
  const thresholds = [Number.NEGATIVE_INFINITY];
  for (let i = 1; i < distinct.length; i += 1) thresholds.push((distinct[i - 1]! + distinct[i]!) / 2);
  thresholds.push(Number.POSITIVE_INFINITY);
  return thresholds.map((threshold) => ({
    threshold,
    sensitivity: countAtLeast(sortedCases, threshold) / sortedCases.length,
    specificity: 1 - countAtLeast(sortedControls, threshold) / sortedControls.length,
  }));
}

/** The threshold maximising sensitivity + specificity; the first (lowest) of equal maxima. */
export function youdenCutoff(curve: readonly RocPoint[]): YoudenCutoff | undefined {
  let best: YoudenCutoff | undefined;
  for (const point of curve) {
    if (!Number.isFinite(point.threshold)) continue;
    const youdenJ = point.sensitivity + point.specificity - 1;
    if (best === undefined || youdenJ > best.youdenJ + 1e-12) best = { ...point, youdenJ };
  }
  return best;
}

/** Number of sorted values >= threshold. */
function countAtLeast(sorted: Float64Array, threshold: number): number {
  return sorted.length - lowerBound(sorted, threshold);
}
