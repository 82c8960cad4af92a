import type { NetworkSpec } from '../../nn/architectures/network-spec.js';

/** The two views of a lumbar study. */
export const LUMBAR_VIEWS = ['ap', 'lat'] as const;
export type LumbarView = (typeof LUMBAR_VIEWS)[number];

/** Which views the BMD network reads (seed 004's single- and two-channel models). */
export const LUMBAR_VARIANTS = ['ap', 'lat', 'ap+lat'] as const;
export type LumbarVariant = (typeof LUMBAR_VARIANTS)[number];

export function variantViews(variant: LumbarVariant): LumbarView[] {
  return variant === 'ap+lat' ? ['ap', 'lat'] : [variant];
}

/** The variant a study with these views is read by: the first, in the model's order of preference, whose views it all has. */
export function variantForViews<V extends { variant: LumbarVariant }>(variants: readonly V[], views: readonly LumbarView[]): V | undefined {
  return variants.find((v) => variantViews(v.variant).every((view) => views.includes(view)));
}

/**
 * The locator segments vertebral bodies (any level) and, within each, its core (the middle half of
 * its height): which body is which is counted from the lowest core up, without the network
 * (`vertebral-body-boxes.ts`). Cores stand apart where the bodies' projections touch (a lordotic
 * spine in a divergent beam overlaps its endplates on the AP view, so a body mask alone is one
 * column). A network asked for the levels themselves (seven classes, T12-L5 and background) learned
 * them poorly: T11 and T12, L4 and L5 look alike, and telling them apart is counting, not
 * appearance (mean ROI IoU 0.05 after 16 epochs on the development cohort). The sacrum (a fourth
 * class since 2026-12-07, where the label images have it) is what the count starts from: a lowest
 * body not found over it otherwise names every level one too high (`sacrum-count.ts`). Locators
 * trained before it have three classes and are read as they were.
 */
export const LOCATOR_CLASSES = ['background', 'vertebral-body', 'body-core', 'sacrum'] as const;
/** The levels located: T12 and L5 as well as L1-L4, because L1's and L4's ROI edges lie in the middle of the discs above and below. */
export const LOCATOR_LEVELS = ['T12', 'L1', 'L2', 'L3', 'L4', 'L5'] as const;
export type LocatorLevel = (typeof LOCATOR_LEVELS)[number];
/** The levels whose ROIs the BMD network reads (seed 004). */
export const ROI_LEVELS = ['L1', 'L2', 'L3', 'L4'] as const;
export type RoiLevel = (typeof ROI_LEVELS)[number];

/** VerSe label of a level (T12 = 19, L1-L5 = 20-24), as label images store it. */
export function verseLabel(level: LocatorLevel): number {
  return 18 + LOCATOR_LEVELS.indexOf(level) + 1;
}

/** The whole radiograph fitted (aspect kept) into this grid for the locator: about 2.2 mm a pixel for a 35 x 43 cm field. */
export const LOCATOR_GRID = { columns: 160, rows: 192 } as const;
/** The locator's input channels: the radiograph on its percentile scale, and its local contrast. */
export const LOCATOR_CHANNELS = 2;

/**
 * Seed 004's ROI crops: the smallest rectangle around each body with 2 mm beside it and its upper
 * and lower edges in the middle of the discs, resized (aspect kept, grey filling) to a square.
 * Two channels per level: seed 004's preprocessing (grey-level normalisation, Gaussian filter,
 * histogram equalisation) and the crop on the whole radiograph's grey scale, which keeps how bright
 * the body is against the rest of the trunk (equalisation alone removes it).
 */
export const CROP = { size: 64, marginMm: 2, channelsPerLevel: 2, gaussianSigmaPx: 0.7 } as const;
export const CROP_CHANNELS = ROI_LEVELS.length * CROP.channelsPerLevel;

/** The network's outputs: the two aBMDs standardised, then the three WHO classes' logits. */
export const BMD_OUTPUTS = ['lumbar_abmd', 'femneck_abmd', 'normal', 'osteopenia', 'osteoporosis'] as const;
/**
 * The aBMD outputs are standardised with these fixed scales (a change of units for the network, not
 * a fit): about the adult population's mean and SD (NHANES III young-adult means 1.05 and 0.86
 * g/cm2, SD about 0.12; older adults lower).
 */
export const OUTPUT_SCALES = { lumbar_abmd: { mean: 0.9, sd: 0.15 }, femneck_abmd: { mean: 0.7, sd: 0.12 } } as const;

/** Covariates of the late fusion, scaled to about unit range; all zero in a model without covariates. */
export const COVARIATES = ['age', 'sex', 'bmi'] as const;

/**
 * The model-free inputs fused beside the covariates in models trained since 2026-12-05
 * (body-disc-contrast.ts): each view's and level's body-over-disc contrast in units about the
 * population's spread, (contrast - offset) / scale clipped to +-5, 0 where unknown. A change of
 * units, not a fit: offsets and scales are round figures of the contrasts' mean and SD on a
 * development cohort (SIMULATED, seed 61; AP about 0.02 +- 0.025 of the grey range, lateral about
 * 0.005 +- 0.006, its discs seen edge on). Unit spread matters: with weight decay, an input a
 * fifth of the covariates' spread is as good as ignored.
 */
export const BODY_CONTRAST_INPUTS = (['ap', 'lat'] as const).flatMap((view) => ROI_LEVELS.map((level) => `${view}-${level}-body-over-disc`));
export const BODY_CONTRAST_UNITS: Record<LumbarView, { offset: number; scale: number }> = {
  ap: { offset: 0.02, scale: 0.025 },
  lat: { offset: 0.005, scale: 0.006 },
};

/** Length of the fusion vector: the covariates, then the body contrasts where the model has them. */
export function fusionInputCount(bodyContrast: boolean): number {
  return COVARIATES.length + (bodyContrast ? BODY_CONTRAST_INPUTS.length : 0);
}

export const LOCATOR_NETWORK_NAMES: Record<LumbarView, string> = { ap: 'ap-locator', lat: 'lat-locator' };

/** A variant's BMD network's name in the model folder (the one trained on every study). */
export function bmdNetworkName(variant: LumbarVariant): string {
  return `bmd-${variant.replace('+', '-')}`;
}

/** A variant's cross-validation fold network kept as an ensemble member (fold counted from 1). */
export function bmdFoldNetworkName(variant: LumbarVariant, fold: number): string {
  return `${bmdNetworkName(variant)}-fold-${fold}`;
}

export function locatorSpec(seed: number, view: LumbarView): NetworkSpec {
  return {
    architecture: 'unet',
    options: {
      inputShape: [LOCATOR_GRID.rows, LOCATOR_GRID.columns, LOCATOR_CHANNELS],
      classes: LOCATOR_CLASSES.length,
      baseFilters: 8,
      depth: 4,
      seed,
      name: `lumbar-${view}-locator`,
    },
  };
}

/** Seed 004's network: a DenseNet-BC per view, fused late with the covariates (seed 004) and the body contrasts, heads for both aBMDs (seed 003) and the WHO classes. */
export function bmdSpec(seed: number, variant: LumbarVariant, bodyContrast: boolean): NetworkSpec {
  return {
    architecture: 'covariate-fusion',
    options: {
      views: variantViews(variant).map((view) => ({ name: `${view}-rois`, inputShape: [CROP.size, CROP.size, CROP_CHANNELS] })),
      covariates: fusionInputCount(bodyContrast),
      densenet: { growthRate: 8, blockLayers: [4, 4, 4], compression: 0.5, bottleneck: true, stemStride: 2, dropout: 0.1 },
      hiddenUnits: 32,
      outputs: BMD_OUTPUTS.length,
      seed,
      name: `lumbar-bmd-${variant.replace('+', '-')}`,
    },
  };
}
