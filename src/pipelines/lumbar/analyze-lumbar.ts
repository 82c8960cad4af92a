import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { ClinicalInterpretation, ClinicalKnowledge, Person } from '../../clinical/index.js';
import type { Image2D } from '../../core/image2d.js';
import type { BmdPrediction } from './bmd-network-io.js';
import { eachFoldNetwork } from './bmd-ensemble.js';
import { averageBmdPredictions, bodyMassIndex, predictBmd, predictBmdWithFeatures } from './bmd-network-io.js';
import type { ImplantCheck } from './implant-check.js';
import { IMPLANTS_NOT_ASSESSED, checkForImplants } from './implant-check.js';
import type { LumbarClassActivation } from './bmd-class-activation.js';
import { lumbarClassActivation } from './bmd-class-activation.js';
import { interpretBmdPrediction } from './interpret-bmd-prediction.js';
import type { LumbarBmdNetwork, LumbarModel } from './lumbar-model.js';
import type { LumbarView } from './lumbar-networks.js';
import { variantForViews, variantViews } from './lumbar-networks.js';
import type { LocatedStudy } from './lumbar-study-inputs.js';
import type { ReferralRule } from './referral-rule.js';
import { isReferred } from './referral-rule.js';
import { locateStudy } from './lumbar-study-inputs.js';

/** QC flags of a lumbar analysis. */
export type LumbarQcFlag =
  | 'lumbar-levels-not-found'
  | 'lumbar-levels-out-of-order'
  | 'lateral-view-missing'
  | 'level-geometry-implausible'
  | 'level-count-uncertain'
  | 'locator-uncertain'
  | 'ap-only-variant'
  | 'covariates-missing'
  | 'implant-suspected'
  | 'implant-check-not-assessed';

/** With these the aBMDs are not reported: L1-L4 were not found in order, the model has no network for the views given, or metal lies over L1-L4. */
export const REFUSING_FLAGS: readonly LumbarQcFlag[] = ['lumbar-levels-not-found', 'lumbar-levels-out-of-order', 'lateral-view-missing', 'implant-suspected'];

/** A level found with a mean class probability below this is flagged (the labelling may be off by one). */
const MIN_LOCATOR_CONFIDENCE = 0.5;

export interface LumbarAnalysis {
  files: Partial<Record<LumbarView, string>>;
  images: Partial<Record<LumbarView, Image2D>>;
  located: LocatedStudy;
  /** The BMD network that read the study; undefined when none could. */
  /** The variant that read the study, and how many networks' estimates were averaged (1: no ensemble). */
  used: (Pick<LumbarBmdNetwork, 'variant' | 'covariates'> & { networksAveraged: number }) | undefined;
  prediction: BmdPrediction | undefined;
  /** The DXA-referral flag of the network's model, where it has a rule and the study was measured. */
  referral: { refer: boolean; pOsteoporosis: number; rule: ReferralRule } | undefined;
  interpretations: { lumbar?: ClinicalInterpretation; femneck?: ClinicalInterpretation };
  /** The WHO category of the lowest T-score of the two (ISCD). */
  interpretation: ClinicalInterpretation | undefined;
  flags: LumbarQcFlag[];
  /** The model-free checks' findings, in words. */
  notes: string[];
  /** The look for metal over L1-L4 on the AP view. */
  implants: ImplantCheck;
  /** Grad-CAM per view of the network that read the study, computed when first asked for (the overlay does; predict does not). */
  classActivation: (() => LumbarClassActivation) | undefined;
}

export function refusingFlags(flags: readonly string[]): string[] {
  return flags.filter((f) => (REFUSING_FLAGS as readonly string[]).includes(f));
}

/**
 * One lumbar study: L1-L4 located on each view, the model-free checks, seed 004's ROI crops, and
 * the first of the model's BMD networks whose views are all there (AP + lateral, or AP alone).
 */
export function analyzeLumbar(
  tf: TensorFlow,
  o: {
    model: LumbarModel;
    images: Partial<Record<LumbarView, Image2D>>;
    files: Partial<Record<LumbarView, string>>;
    person: Person;
    knowledge: ClinicalKnowledge;
  },
): LumbarAnalysis {
  const covariates = { ageYears: o.person.ageYears, sex: o.person.sex, heightCm: o.person.heightCm, weightKg: o.person.weightKg };
  const flags = new Set<LumbarQcFlag>();
  const notes: string[] = [];
  const chosen = variantForViews(
    o.model.bmd,
    (['ap', 'lat'] as const).filter((v) => o.images[v] !== undefined),
  );
  const useCovariates = chosen?.covariates ?? false;
  const located = locateStudy(tf, { locators: o.model.locators, images: o.images, covariates, useCovariates, bodyContrast: chosen?.bodyContrast ?? false });
  // Against the model's variants, not the networks loaded (a model loaded for one study holds its variant alone).
  const modelVariants = o.model.parameters.variants.map((v) => v.variant);
  if (chosen === undefined) {
    flags.add('lateral-view-missing');
    notes.push(`this model reads ${modelVariants.map((v) => v.toUpperCase()).join(' or ')}; no lateral radiograph was given`);
  } else if (chosen.variant !== modelVariants[0]) {
    flags.add('ap-only-variant');
    notes.push(`no lateral radiograph: the ${chosen.variant.toUpperCase()} network read the study`);
  }
  const needed = chosen === undefined ? (['ap'] as LumbarView[]) : variantViews(chosen.variant);
  for (const view of needed) {
    const location = located.locations[view];
    if (location === undefined) continue;
    for (const problem of location.check.problems) {
      if (problem === 'levels-missing') flags.add('lumbar-levels-not-found');
      else if (problem === 'levels-out-of-order') flags.add('lumbar-levels-out-of-order');
      else if (problem === 'level-count-uncertain') flags.add('level-count-uncertain');
      else flags.add('level-geometry-implausible');
    }
    notes.push(...location.check.notes);
    const uncertain = Object.entries(location.confidence).filter(([, c]) => c < MIN_LOCATOR_CONFIDENCE);
    if (uncertain.length > 0) {
      flags.add('locator-uncertain');
      notes.push(`${view === 'ap' ? 'AP' : 'lateral'} locator uncertain at ${uncertain.map(([l, c]) => `${l} (${c.toFixed(2)})`).join(', ')}`);
    }
  }
  const apBodies = located.locations.ap?.bodies ?? [];
  const implants = o.images.ap === undefined ? IMPLANTS_NOT_ASSESSED : checkForImplants({ image: o.images.ap, bodies: apBodies });
  // L1-L4 found on the AP view, yet no soft tissue darker than them beside them inside the field: the number does not say metal was looked for.
  if (o.images.ap !== undefined && !implants.assessed && !flags.has('lumbar-levels-not-found')) {
    flags.add('implant-check-not-assessed');
    notes.push('metal over L1-L4 could not be looked for: no soft tissue darker than the vertebral bodies beside them inside the exposed field');
  }
  if (implants.suspected) {
    flags.add('implant-suspected');
    notes.push(
      `metal over the lumbar spine on the AP view (a region of ${Math.max(implants.largestBrightMm2, implants.largestClippedMm2, implants.largestNearTopMm2).toFixed(0)} mm2 brighter than bone): the BMD of instrumented vertebrae is not estimated (ISCD excludes them)`,
    );
  }
  if (useCovariates && (covariates.ageYears === undefined || covariates.sex === undefined || bodyMassIndex(covariates) === undefined)) {
    flags.add('covariates-missing');
    notes.push('age, sex, height or weight unknown: the network took the population middle for it');
  }
  const measurable = chosen !== undefined && needed.every((v) => located.input.crops[v] !== undefined);
  // The all-data network also gives its feature maps (for the class-activation map); the kept fold networks' estimates are averaged with its.
  const predicted = measurable ? predictBmdWithFeatures(tf, chosen.network, chosen.variant, located.input) : undefined;
  const prediction =
    predicted === undefined || chosen === undefined
      ? undefined
      : averageBmdPredictions([predicted.prediction, ...eachFoldNetwork(chosen, (network) => predictBmd(tf, network, chosen.variant, [located.input])[0]!)]);
  const read = prediction === undefined ? undefined : interpretBmdPrediction(o.knowledge, prediction, o.person);
  const rule = chosen?.referral;
  const pOsteoporosis = prediction?.probabilities.osteoporosis;
  const referral = rule === undefined || pOsteoporosis === undefined ? undefined : { refer: isReferred(rule, pOsteoporosis), pOsteoporosis, rule };
  const interpretations: LumbarAnalysis['interpretations'] = read === undefined ? {} : { lumbar: read.lumbar, femneck: read.femneck };
  const interpretation = read === undefined ? undefined : (read.lowest ?? read.lumbar);
  let activation: LumbarClassActivation | undefined;
  const classActivation =
    predicted === undefined || chosen === undefined
      ? undefined
      : (): LumbarClassActivation =>
          (activation ??= lumbarClassActivation(tf, {
            network: chosen.network,
            variant: chosen.variant,
            input: located.input,
            prediction: prediction ?? predicted.prediction,
            features: predicted.features,
          }));
  return {
    files: o.files,
    images: o.images,
    located,
    used: chosen === undefined ? undefined : { variant: chosen.variant, covariates: chosen.covariates, networksAveraged: chosen.memberWeights.length },
    prediction,
    referral,
    interpretations,
    interpretation,
    flags: [...flags],
    notes,
    implants,
    classActivation,
  };
}
