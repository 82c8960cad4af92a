import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import type { FeatureMaps } from '../../nn/grad-cam.js';
import { readFeatureOutputs, withFeatureOutputs } from '../../nn/grad-cam.js';
import type { BmdCategory } from '../../clinical/measurement-columns.js';
import { BMD_CATEGORIES } from '../../clinical/measurement-columns.js';
import { predictInBatches } from '../../nn/inference.js';
import type { LumbarVariant, LumbarView } from './lumbar-networks.js';
import type { RoiLevel } from './lumbar-networks.js';
import { BODY_CONTRAST_UNITS, COVARIATES, CROP, CROP_CHANNELS, OUTPUT_SCALES, ROI_LEVELS, fusionInputCount, variantViews } from './lumbar-networks.js';

/** What the late fusion knows of the person (seed 004: age, sex, BMI). */
export interface LumbarCovariates {
  ageYears: number | undefined;
  sex: 'F' | 'M' | undefined;
  heightCm: number | undefined;
  weightKg: number | undefined;
}

export function bodyMassIndex(c: LumbarCovariates): number | undefined {
  if (c.heightCm === undefined || c.weightKg === undefined || !(c.heightCm > 0)) return undefined;
  return c.weightKg / (c.heightCm / 100) ** 2;
}

/**
 * The covariate vector: age (years - 65) / 10, sex +1 for women and -1 for men, BMI (kg/m2 - 25) / 5;
 * an unknown covariate is 0 (the population's middle). All zero for a model without covariates.
 */
export function covariateVector(c: LumbarCovariates, used: boolean): Float32Array {
  return fusionVector(c, used, undefined);
}

/**
 * The late fusion's input: the covariate vector, then (when `contrasts` is given: a model with body
 * contrasts) the AP and then the lateral L1-L4 body-over-disc contrasts in BODY_CONTRAST_UNITS,
 * 0 where unknown.
 */
export function fusionVector(
  c: LumbarCovariates,
  used: boolean,
  contrasts: Partial<Record<LumbarView, Partial<Record<RoiLevel, number>>>> | undefined,
): Float32Array {
  const out = new Float32Array(fusionInputCount(contrasts !== undefined));
  if (contrasts !== undefined) {
    (['ap', 'lat'] as const).forEach((view, v) =>
      ROI_LEVELS.forEach((level, k) => {
        const contrast = contrasts[view]?.[level];
        const units = BODY_CONTRAST_UNITS[view];
        out[COVARIATES.length + v * ROI_LEVELS.length + k] = contrast === undefined ? 0 : Math.max(-5, Math.min(5, (contrast - units.offset) / units.scale));
      }),
    );
  }
  if (!used) return out;
  const bmi = bodyMassIndex(c);
  out[0] = c.ageYears === undefined ? 0 : (c.ageYears - 65) / 10;
  out[1] = c.sex === 'F' ? 1 : c.sex === 'M' ? -1 : 0;
  out[2] = bmi === undefined ? 0 : (bmi - 25) / 5;
  return out;
}

export interface BmdPrediction {
  lumbarAbmdGPerCm2: number;
  femneckAbmdGPerCm2: number;
  /** Softmax of the class logits, in BMD_CATEGORIES order. */
  probabilities: Record<BmdCategory, number>;
}

/** The network's output row -> aBMDs (un-standardised) and class probabilities. */
export function bmdFromOutput(output: ArrayLike<number>): BmdPrediction {
  const logits = [output[2]!, output[3]!, output[4]!];
  const top = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - top));
  const total = exps.reduce((a, b) => a + b, 0);
  const probabilities = Object.fromEntries(BMD_CATEGORIES.map((c, k) => [c, exps[k]! / total])) as Record<BmdCategory, number>;
  return {
    lumbarAbmdGPerCm2: OUTPUT_SCALES.lumbar_abmd.mean + OUTPUT_SCALES.lumbar_abmd.sd * output[0]!,
    femneckAbmdGPerCm2: OUTPUT_SCALES.femneck_abmd.mean + OUTPUT_SCALES.femneck_abmd.sd * output[1]!,
    probabilities,
  };
}

/** The ensemble's estimate: the mean of its networks' aBMDs and of their class probabilities. */
export function averageBmdPredictions(predictions: readonly BmdPrediction[]): BmdPrediction {
  if (predictions.length === 0) throw new OpenBmdError('INTERNAL', 'no BMD predictions to average');
  const mean = (pick: (p: BmdPrediction) => number): number => predictions.reduce((a, p) => a + pick(p), 0) / predictions.length;
  return {
    lumbarAbmdGPerCm2: mean((p) => p.lumbarAbmdGPerCm2),
    femneckAbmdGPerCm2: mean((p) => p.femneckAbmdGPerCm2),
    probabilities: Object.fromEntries(BMD_CATEGORIES.map((c) => [c, mean((p) => p.probabilities[c])])) as Record<BmdCategory, number>,
  };
}

/** One study's inputs to a variant's BMD network: the crops of its views (in variant order) and the fusion vector. */
export interface BmdInput {
  crops: Partial<Record<LumbarView, Float32Array>>;
  /** The late fusion's input (fusionVector): the covariates, and the body contrasts in a model that has them. */
  covariates: Float32Array;
}

/** Runs a variant's BMD network over studies (every study must have its variant's views). */
export function predictBmd(tf: TensorFlow, network: tfTypes.LayersModel, variant: LumbarVariant, inputs: readonly BmdInput[]): BmdPrediction[] {
  const views = variantViews(variant);
  const per = CROP.size * CROP.size * CROP_CHANNELS;
  const outputs = predictInBatches(
    tf,
    network,
    inputs.length,
    (start, size) => {
      const batch = inputs.slice(start, start + size);
      const viewTensors = views.map((view) => {
        const data = new Float32Array(size * per);
        batch.forEach((b, i) => data.set(b.crops[view]!, i * per));
        return tf.tensor4d(data, [size, CROP.size, CROP.size, CROP_CHANNELS]);
      });
      const width = batch[0]!.covariates.length;
      const covariates = new Float32Array(size * width);
      batch.forEach((b, i) => covariates.set(b.covariates, i * width));
      return [...viewTensors, tf.tensor2d(covariates, [size, width])];
    },
    16,
  );
  return outputs.map((o) => bmdFromOutput(o));
}

/** The BMD network's tensors for one study, in its input order (each view's crops, then the covariates). */
export function bmdInputTensors(tf: TensorFlow, variant: LumbarVariant, input: BmdInput): tfTypes.Tensor[] {
  return [
    ...variantViews(variant).map((view) => tf.tensor4d(input.crops[view]!, [1, CROP.size, CROP.size, CROP_CHANNELS])),
    tf.tensor2d(input.covariates, [1, input.covariates.length]),
  ];
}

/**
 * One study through the BMD network in one pass that also reads out each view branch's feature
 * maps, so its class-activation map needs no second pass (nn/grad-cam.ts). Same prediction as predictBmd.
 */
export function predictBmdWithFeatures(
  tf: TensorFlow,
  network: tfTypes.LayersModel,
  variant: LumbarVariant,
  input: BmdInput,
): { prediction: BmdPrediction; features: FeatureMaps[] } {
  const tensors = bmdInputTensors(tf, variant, input);
  try {
    const out = withFeatureOutputs(tf, network).predict(tensors);
    const outputs = Array.isArray(out) ? out : [out];
    try {
      const read = readFeatureOutputs(outputs);
      return { prediction: bmdFromOutput(read.prediction), features: read.features };
    } finally {
      tf.dispose(outputs);
    }
  } finally {
    tf.dispose(tensors);
  }
}
