import { OpenBmdError } from '../core/errors.js';
import { Z_95, twoSidedNormalP } from './distributions.js';
import { mean } from './descriptive.js';
import { type LabelledScores, splitByLabel } from './roc-curve.js';
import { type Interval, UNDEFINED_INTERVAL } from './sample-policy.js';
import { lowerBound, upperBound } from './sorted-search.js';

/**
 * Area under the ROC curve with DeLong, DeLong & Clarke-Pearson's (1988) variance, from the
 * structural components ("placements"): each case's share of controls it outranks (ties count
 * half) and each control's share of cases that outrank it. Same estimator and CI as pROC's
 * ci.auc(method = "delong"); the CI is clipped to [0, 1] as pROC does.
 */
export interface AucEstimate {
  auc: number;
  variance: number;
  se: number;
  ci95: Interval;
  cases: number;
  controls: number;
}

export interface PairedAucTest {
  auc1: number;
  auc2: number;
  difference: number;
  differenceCi95: Interval;
  z: number;
  p: number;
}

interface Placements {
  caseComponents: Float64Array;
  controlComponents: Float64Array;
}

/** AUC of scores where larger means positive; NaN when a class is absent, variance NaN below two per class. */
export function aucWithDeLong(scores: ArrayLike<number>, positive: ArrayLike<boolean>): AucEstimate {
  const groups = splitByLabel(scores, positive);
  const cases = groups.cases.length;
  const controls = groups.controls.length;
  if (cases === 0 || controls === 0) {
    return { auc: Number.NaN, variance: Number.NaN, se: Number.NaN, ci95: UNDEFINED_INTERVAL, cases, controls };
  }
  const placements = placementsOf(groups);
  const auc = mean(placements.caseComponents);
  const variance = deLongCovariance(placements, placements, auc, auc);
  const se = Math.sqrt(variance);
  const ci95: Interval = Number.isFinite(se) ? [Math.max(0, auc - Z_95 * se), Math.min(1, auc + Z_95 * se)] : UNDEFINED_INTERVAL;
  return { auc, variance, se, ci95, cases, controls };
}

/** DeLong's test of two correlated AUCs (both scores measured on the same people), as pROC's roc.test. */
export function pairedDeLongTest(scoresA: ArrayLike<number>, scoresB: ArrayLike<number>, positive: ArrayLike<boolean>): PairedAucTest {
  if (scoresA.length !== scoresB.length) {
    throw new OpenBmdError('INVALID_VALUE', `paired DeLong test: ${scoresA.length} vs ${scoresB.length} scores`);
  }
  const groupsA = splitByLabel(scoresA, positive);
  const groupsB = splitByLabel(scoresB, positive);
  if (groupsA.cases.length < 2 || groupsA.controls.length < 2) {
    throw new OpenBmdError('EMPTY_INPUT', 'paired DeLong test: needs at least 2 cases and 2 controls');
  }
  const placementsA = placementsOf(groupsA);
  const placementsB = placementsOf(groupsB);
  const auc1 = mean(placementsA.caseComponents);
  const auc2 = mean(placementsB.caseComponents);
  const varianceA = deLongCovariance(placementsA, placementsA, auc1, auc1);
  const varianceB = deLongCovariance(placementsB, placementsB, auc2, auc2);
  const covariance = deLongCovariance(placementsA, placementsB, auc1, auc2);
  const differenceSe = Math.sqrt(Math.max(0, varianceA + varianceB - 2 * covariance));
  const difference = auc1 - auc2;
  const z = differenceSe === 0 ? (difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY) : difference / differenceSe;
  return {
    auc1,
    auc2,
    difference,
    differenceCi95: [difference - Z_95 * differenceSe, difference + Z_95 * differenceSe],
    z,
    p: differenceSe === 0 && difference === 0 ? 1 : twoSidedNormalP(z),
  };
}

function placementsOf(groups: LabelledScores): Placements {
  const sortedControls = Float64Array.from(groups.controls).sort();
  const sortedCases = Float64Array.from(groups.cases).sort();
  const caseComponents = groups.cases.map((score) => rankShare(sortedControls, score));
  // A control's component: share of cases above it, ties half.
  const controlComponents = groups.controls.map((score) => 1 - rankShare(sortedCases, score));
  return { caseComponents, controlComponents };
}

/** Share of `sorted` strictly below `value`, ties counted half. */
function rankShare(sorted: Float64Array, value: number): number {
  const below = lowerBound(sorted, value);
  const atOrBelow = upperBound(sorted, value);
  return (below + (atOrBelow - below) / 2) / sorted.length;
}

function deLongCovariance(a: Placements, b: Placements, aucA: number, aucB: number): number {
  const m = a.caseComponents.length;
  const n = a.controlComponents.length;
  if (m < 2 || n < 2) return Number.NaN;
  let caseTerm = 0;
  for (let i = 0; i < m; i += 1) caseTerm += (a.caseComponents[i]! - aucA) * (b.caseComponents[i]! - aucB);
  let controlTerm = 0;
  for (let j = 0; j < n; j += 1) controlTerm += (a.controlComponents[j]! - aucA) * (b.controlComponents[j]! - aucB);
  return caseTerm / (m - 1) / m + controlTerm / (n - 1) / n;
}
