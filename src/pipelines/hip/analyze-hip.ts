import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { ClinicalInterpretation, ClinicalKnowledge, Person } from '../../clinical/index.js';
import { interpretMeasurement, lowestTScoreCategory } from '../../clinical/index.js';
import type { Image2D } from '../../core/image2d.js';
import type { HipSide } from './ct/segment-femur.js';
import type { HipModel } from './model/hip-model.js';
import type { HipMeasure, PfDrrFeature } from './model/pf-drr-bmd.js';
import { hipBmdFromFeature, implausibleDecomposition, pfDrrFeature } from './model/pf-drr-bmd.js';
import { predictPfDrrs } from './model/predict-pf-drr.js';
import type { HipEstimate } from './model/bmd-regression.js';
import { regressionEstimates, regressionNetworkValues, reportedEstimates } from './model/bmd-regression.js';
import type { HipFieldPlacement } from './radiograph/hip-field.js';
import { hipFieldPlacement, normaliseHipField, sampleHipField } from './radiograph/hip-field.js';

export type HipQcFlag = 'decomposition-implausible' | 'side-not-given';

/** With this the reported hip's numbers are withheld. */
export const HIP_REFUSING_FLAGS: readonly HipQcFlag[] = ['decomposition-implausible'];

/** One hip as the generator decomposed it. */
export interface HipSideAnalysis {
  side: HipSide;
  placement: HipFieldPlacement;
  /** The predicted PF-DRR on the field (the hip's frame: a right hip's is mirrored), g/cm2. */
  pfDrr: Float32Array;
  feature: PfDrrFeature;
  /** The reported estimates: the PF-DRR lines, stage three's regression network, or their mean, as the model says. */
  estimates: Partial<Record<HipMeasure, number>>;
  /** Which gave them: the PF-DRR lines, the regression network, or the mean of the two. */
  estimatedBy: HipEstimate;
  /** The PF-DRR lines' estimates (seed 001's stage two). */
  lineEstimates: Partial<Record<HipMeasure, number>>;
  /** Stage three's estimates where the model has it (reported or kept beside the lines). */
  regressionEstimates: Partial<Record<HipMeasure, number>> | undefined;
  /** Why the decomposition looks unlike the calibration's, when it does. */
  implausible: string | undefined;
  interpretations: Partial<Record<HipMeasure, ClinicalInterpretation>>;
}

export interface HipAnalysis {
  image: Image2D;
  file: string;
  sides: Record<HipSide, HipSideAnalysis>;
  /** The hip whose numbers are the study's: the one asked for, else the one with the lower femoral-neck estimate. */
  reported: HipSide;
  /** The WHO category of the reported hip's lowest T-score (femoral neck, total hip; ISCD). */
  interpretation: ClinicalInterpretation | undefined;
  flags: HipQcFlag[];
  notes: string[];
}

export function hipRefusingFlags(flags: readonly string[]): string[] {
  return flags.filter((f) => (HIP_REFUSING_FLAGS as readonly string[]).includes(f));
}

/**
 * Seed 001 on an AP pelvis radiograph: each hip's field decomposed into its PF-DRR by the model's
 * generator (the overlay, and the plausibility check); femoral-neck and total-hip aBMD and
 * proximal-femur vBMD from the PF-DRR's mean above the model's threshold by its lines, from the
 * stage-three regression network, or the mean of the two, as the model says (the others kept
 * beside it); T-scores and the WHO category from the reference tables.
 */
export function analyzeHip(
  tf: TensorFlow,
  o: { model: HipModel; image: Image2D; file: string; side: HipSide | undefined; person: Person; knowledge: ClinicalKnowledge },
): HipAnalysis {
  const calibration = o.model.parameters.calibration;
  const placements = (['left', 'right'] as const).map((side) => hipFieldPlacement({ image: o.image, side }));
  const fields = placements.map((p) => normaliseHipField(sampleHipField(o.image, p)));
  const predicted = predictPfDrrs(tf, o.model.generator, fields);
  const regression = o.model.regression;
  const regressed = regression === undefined ? undefined : regressionNetworkValues(tf, regression.networks, regression.parameters, fields);
  const estimate: HipEstimate = regression?.parameters.reported ?? 'pf-drr-line';
  const sides = {} as Record<HipSide, HipSideAnalysis>;
  placements.forEach((placement, k) => {
    const pfDrr = predicted[k]!;
    const feature = pfDrrFeature(pfDrr, calibration.thresholdGPerCm2);
    const lineEstimates = hipBmdFromFeature(calibration, feature);
    const regressionValues = regression === undefined ? undefined : regressionEstimates(regression.parameters, regressed![k]!);
    const estimates = reportedEstimates(estimate, lineEstimates, regressionValues);
    const interpretations: HipSideAnalysis['interpretations'] = {};
    for (const [measure, value] of Object.entries(estimates) as [HipMeasure, number][])
      interpretations[measure] = interpretMeasurement(o.knowledge, measure, value, o.person);
    sides[placement.side] = {
      side: placement.side,
      placement,
      pfDrr,
      feature,
      estimates,
      estimatedBy: estimate,
      lineEstimates,
      regressionEstimates: regressionValues,
      implausible: implausibleDecomposition(calibration, feature),
      interpretations,
    };
  });
  const flags: HipQcFlag[] = [];
  const notes: string[] = [];
  let reported: HipSide;
  if (o.side !== undefined) reported = o.side;
  else {
    flags.push('side-not-given');
    const neck = (s: HipSide): number => sides[s].estimates.femneck_abmd ?? sides[s].feature.meanGPerCm2;
    reported = neck('left') <= neck('right') ? 'left' : 'right';
    notes.push(`no side was named: both hips were measured and the ${reported} hip, the lower, is reported`);
  }
  const chosen = sides[reported];
  if (chosen.implausible !== undefined) {
    flags.push('decomposition-implausible');
    notes.push(`${reported} hip: ${chosen.implausible}; is this an AP pelvis radiograph without an implant at that hip?`);
  }
  const interpretation = lowestTScoreCategory(
    [chosen.interpretations.femneck_abmd, chosen.interpretations.tothip_abmd].filter((i): i is ClinicalInterpretation => i !== undefined),
  );
  return { image: o.image, file: o.file, sides, reported, interpretation, flags, notes };
}
