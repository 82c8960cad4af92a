import type { AbmdEquation } from './abmd-equation.js';
import { applyAbmdEquation, fitAbmdEquation } from './abmd-equation.js';

/**
 * Eq. [2]'s inputs: seed 000's ('rectangle': the wedge's least-squares line and the soft-tissue
 * rectangle beside the radius), or openbmd's ('under-radius': the wedge's curve through its
 * background and steps, and DXA's soft-tissue baseline beneath the radius).
 */
export type SoftTissueEstimate = 'rectangle' | 'under-radius';

/**
 * Eq. [2] fitted on the whole training set, and once more for each detector with enough cases of
 * its own: each detector's processing (response curve, gamma, edge enhancement) maps bone and soft
 * tissue onto the wedge's scale differently, which one set of P, Q, R cannot follow.
 */
export interface AbmdEquationSet {
  softTissue: SoftTissueEstimate;
  pooled: AbmdEquation;
  detectors: DetectorEquation[];
}

/**
 * One detector's (one room's) Eq. [2], and, where training cross-validated it, the root mean square
 * of its radiographs' out-of-fold errors against the reference aBMD, g/cm2.
 */
export interface DetectorEquation {
  detector: string;
  equation: AbmdEquation;
  outOfFoldRmseGPerCm2?: number;
}

/**
 * A room whose radiographs were off by more than this in training (out-of-fold RMS error, g/cm2)
 * does not give a usable aBMD: its processing does not keep the wedge and the radius on one
 * scale. Chosen on the shipped model's training cohort (SIMULATED seed 2000): every room of the
 * log, power-law, linear and vendor processing at 0.018-0.042, seven of eight multi-scale rooms at
 * 0.051-0.087; about two thirds of the spread of children's distal-radius aBMD at one age.
 */
export const MAX_ROOM_RMSE_G_PER_CM2 = 0.045;

/** Fewest training cases from one detector for it to get its own Eq. [2]. */
export const MIN_CASES_PER_DETECTOR = 12;

/** The inputs of Eq. [2] for one case (ForearmRoiMeasurement's thicknesses). */
export interface AbmdEquationInput {
  radiusThicknessMm: number;
  softTissueUnderRadiusMm: number;
  seed000: { radiusThicknessMm: number; softTissueThicknessMm: number };
  detector: string;
}

/** Eq. [2]'s T_b and T_t for a case under an estimate. */
export function equationInputsOf(estimate: SoftTissueEstimate, m: AbmdEquationInput): { radiusMm: number; softTissueMm: number } {
  return estimate === 'rectangle'
    ? { radiusMm: m.seed000.radiusThicknessMm, softTissueMm: m.seed000.softTissueThicknessMm }
    : { radiusMm: m.radiusThicknessMm, softTissueMm: m.softTissueUnderRadiusMm };
}

/** Fits the pooled Eq. [2] and each detector's; `perDetector: false` gives seed 000's single equation. */
export function fitAbmdEquationSet(
  cases: readonly (AbmdEquationInput & { abmdGPerCm2: number })[],
  softTissue: SoftTissueEstimate,
  perDetector = true,
): AbmdEquationSet {
  const fitOn = (subset: readonly (AbmdEquationInput & { abmdGPerCm2: number })[]): AbmdEquation =>
    fitAbmdEquation(
      subset.map((c) => equationInputsOf(softTissue, c).radiusMm),
      subset.map((c) => equationInputsOf(softTissue, c).softTissueMm),
      subset.map((c) => c.abmdGPerCm2),
    );
  const detectors: AbmdEquationSet['detectors'] = [];
  if (perDetector) {
    const names = [...new Set(cases.map((c) => c.detector))].sort();
    for (const detector of names) {
      const own = cases.filter((c) => c.detector === detector);
      if (own.length >= MIN_CASES_PER_DETECTOR) detectors.push({ detector, equation: fitOn(own) });
    }
  }
  return { softTissue, pooled: fitOn(cases), detectors };
}

/** The equation for a detector: its own when the set has one, else the pooled one. */
export function equationFor(set: AbmdEquationSet, detector: string): { equation: AbmdEquation; scope: 'detector' | 'pooled' } {
  const own = set.detectors.find((d) => d.detector === detector);
  return own === undefined ? { equation: set.pooled, scope: 'pooled' } : { equation: own.equation, scope: 'detector' };
}

export function applyAbmdEquationSet(set: AbmdEquationSet, m: AbmdEquationInput): { abmdGPerCm2: number; scope: 'detector' | 'pooled' } {
  const { equation, scope } = equationFor(set, m.detector);
  const inputs = equationInputsOf(set.softTissue, m);
  return { abmdGPerCm2: applyAbmdEquation(equation, inputs.radiusMm, inputs.softTissueMm), scope };
}

/**
 * The set with each detector's out-of-fold RMS error attached (from cross-validated predictions
 * of its own radiographs; a detector without any keeps none).
 */
export function withOutOfFoldErrors(
  set: AbmdEquationSet,
  outOfFold: readonly { detector: string; predictedGPerCm2: number; referenceGPerCm2: number }[],
): AbmdEquationSet {
  return {
    ...set,
    detectors: set.detectors.map((d) => {
      const errors = outOfFold
        .filter((c) => c.detector === d.detector && Number.isFinite(c.predictedGPerCm2) && Number.isFinite(c.referenceGPerCm2))
        .map((c) => c.predictedGPerCm2 - c.referenceGPerCm2);
      if (errors.length === 0) return d;
      return { ...d, outOfFoldRmseGPerCm2: Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0) / errors.length) };
    }),
  };
}

/** Whether a room's out-of-fold RMS error (g/cm2) is over the limit for a usable aBMD. */
export function overRoomLimit(rmseGPerCm2: number | undefined): boolean {
  return rmseGPerCm2 !== undefined && rmseGPerCm2 > MAX_ROOM_RMSE_G_PER_CM2;
}

/** A detector's out-of-fold RMS error where it is over the limit for a usable aBMD; undefined otherwise. */
export function roomErrorOverLimit(set: AbmdEquationSet, detector: string): number | undefined {
  const rmse = set.detectors.find((d) => d.detector === detector)?.outOfFoldRmseGPerCm2;
  return overRoomLimit(rmse) ? rmse : undefined;
}

/** Whether a case's detector had no equation of its own although the set has per-detector ones. */
export function detectorUnseen(set: AbmdEquationSet, detector: string): boolean {
  return set.detectors.length > 0 && equationFor(set, detector).scope === 'pooled';
}
