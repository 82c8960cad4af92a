import { join } from 'node:path';
import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import type { StudyRequest } from '../pipeline.js';
import type { ReferralRule } from './referral-rule.js';
import { referralRuleSchema } from './referral-rule.js';
import type { ModelDescription } from '../../nn/model-folder/model-description.js';
import { cohortRecordSchema } from '../../nn/model-folder/model-description.js';
import type { ModelExpectation } from '../../nn/model-folder/model-folder.js';
import { MODEL_DESCRIPTION_FILE, loadModelFolder, readModelDescription, readModelParts } from '../../nn/model-folder/model-folder.js';
import type { LumbarVariant, LumbarView } from './lumbar-networks.js';
import {
  CROP,
  CROP_CHANNELS,
  LOCATOR_CHANNELS,
  LOCATOR_GRID,
  LOCATOR_NETWORK_NAMES,
  LUMBAR_VARIANTS,
  bmdFoldNetworkName,
  bmdNetworkName,
  fusionInputCount,
  variantForViews,
  variantViews,
} from './lumbar-networks.js';

export const LUMBAR_PIPELINE = 'lumbar';

export const lumbarParametersSchema = z
  .object({
    /** The BMD networks the model holds, the first being the one used when its views are there. */
    // bodyContrast: the body-over-disc contrasts fused beside the covariates (absent in models before 2026-12-05).
    // ensembleFolds: the cross-validation folds whose networks are averaged with the all-data one (absent before 2026-12-05: that one alone).
    // referral: when a study is flagged for DXA, chosen on the out-of-fold predictions (absent without folds, and in earlier models).
    variants: z
      .array(
        z.object({
          variant: z.enum(LUMBAR_VARIANTS),
          covariates: z.boolean(),
          bodyContrast: z.boolean().default(false),
          ensembleFolds: z.array(z.number().int().min(1).max(20)).default([]),
          referral: referralRuleSchema.optional(),
        }),
      )
      .min(1),
    networksFrom: cohortRecordSchema.optional(),
  })
  .passthrough();

export const lumbarMetricsSchema = z.record(z.string(), z.unknown());

export interface LumbarBmdNetwork {
  variant: LumbarVariant;
  covariates: boolean;
  bodyContrast: boolean;
  /**
   * The network trained on every study: its class-activation map is the one drawn. The kept fold
   * networks are its architecture and run on its graph (bmd-ensemble.ts).
   */
  network: tfTypes.LayersModel;
  /** Every network whose estimates are averaged, as weights for `network`'s graph: its own, then the kept folds'. */
  memberWeights: tfTypes.Tensor[][];
  /** When a study is flagged for DXA; undefined for a model trained without folds (nothing held out to choose it on). */
  referral: ReferralRule | undefined;
}

export interface LumbarModel {
  dir: string;
  description: ModelDescription;
  parameters: z.infer<typeof lumbarParametersSchema>;
  locators: Record<LumbarView, tfTypes.LayersModel>;
  /**
   * In order of preference (parameters.variants' order); loaded for one study's request, only the
   * variant it reads.
   */
  bmd: LumbarBmdNetwork[];
}

/** Loads a lumbar model folder, checking its networks and their input shapes (BAD_MODEL naming the file otherwise). */
export async function loadLumbarModel(tf: TensorFlow, dir: string, forRequest?: StudyRequest): Promise<LumbarModel> {
  // model.json first: which BMD networks the folder should hold follows from its parameters.
  const description = readModelDescription(dir);
  if (description.pipeline !== LUMBAR_PIPELINE)
    throw new OpenBmdError('BAD_MODEL', `this model is for the ${description.pipeline} pipeline, not ${LUMBAR_PIPELINE}`, {
      file: join(dir, MODEL_DESCRIPTION_FILE),
    });
  const { parameters } = readModelParts(description, dir, { parameters: lumbarParametersSchema, metrics: lumbarMetricsSchema });
  const locatorShape = [[LOCATOR_GRID.rows, LOCATOR_GRID.columns, LOCATOR_CHANNELS]];
  const cropShape = [CROP.size, CROP.size, CROP_CHANNELS];
  const networks: NonNullable<ModelExpectation['networks']> = {
    [LOCATOR_NETWORK_NAMES.ap]: { inputShapes: locatorShape },
    [LOCATOR_NETWORK_NAMES.lat]: { inputShapes: locatorShape },
  };
  // One study reads one variant: its networks alone are loaded.
  const given = forRequest === undefined ? undefined : requestViews(forRequest);
  const forStudy = given === undefined ? undefined : variantForViews(parameters.variants, given);
  const variants = given === undefined ? parameters.variants : forStudy === undefined ? [] : [forStudy];
  for (const v of variants) {
    const inputShapes = [...variantViews(v.variant).map(() => cropShape), [fusionInputCount(v.bodyContrast)]];
    // The fold networks' weights go onto the all-data network's graph: one DenseNet built per variant.
    const [first, ...folds] = bmdMemberNames(v);
    networks[first!] = { inputShapes };
    for (const name of folds) networks[name] = { inputShapes, sharesGraphWith: first! };
  }
  const loaded = await loadModelFolder(tf, dir, { pipeline: LUMBAR_PIPELINE, networks, onlyExpected: given !== undefined });
  return {
    dir,
    description: loaded.description,
    parameters,
    locators: { ap: loaded.networks[LOCATOR_NETWORK_NAMES.ap]!, lat: loaded.networks[LOCATOR_NETWORK_NAMES.lat]! },
    bmd: variants.map((v) => {
      const [first, ...folds] = bmdMemberNames(v);
      const network = loaded.networks[first!]!;
      // Its own weights held apart (each shares its variable's data), to be put back after a fold network has run.
      const own = network.getWeights().map((w) => tf.clone(w));
      const memberWeights = [own, ...folds.map((name) => loaded.weightsOnGraph[name]!)];
      return { variant: v.variant, covariates: v.covariates, bodyContrast: v.bodyContrast, network, memberWeights, referral: v.referral };
    }),
  };
}

/** Frees a BMD network's graph and every member's weights. */
export function disposeBmdNetwork(bmd: LumbarBmdNetwork): void {
  bmd.network.dispose();
  bmd.memberWeights.forEach((weights) => weights.forEach((w) => w.dispose()));
}

export function disposeLumbarModel(model: LumbarModel): void {
  Object.values(model.locators).forEach((n) => n.dispose());
  model.bmd.forEach(disposeBmdNetwork);
}

/** The views a study request gives: the AP radiograph, and the lateral when a second input is given (readStudy's order). */
function requestViews(request: StudyRequest): LumbarView[] {
  return request.inputs.length >= 2 ? ['ap', 'lat'] : ['ap'];
}

/** A variant's networks in the model folder: the all-data one, then its kept folds'. */
function bmdMemberNames(v: { variant: LumbarVariant; ensembleFolds: readonly number[] }): string[] {
  return [bmdNetworkName(v.variant), ...v.ensembleFolds.map((fold) => bmdFoldNetworkName(v.variant, fold))];
}
