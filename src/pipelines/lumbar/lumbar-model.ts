import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import type { ModelDescription } from '../../nn/model-folder/model-description.js';
import { cohortRecordSchema } from '../../nn/model-folder/model-description.js';
import { MODEL_DESCRIPTION_FILE, loadModelFolder, readModelDescription, readModelParts } from '../../nn/model-folder/model-folder.js';
import type { LumbarVariant, LumbarView } from './lumbar-networks.js';
import {
  CROP,
  CROP_CHANNELS,
  LOCATOR_CHANNELS,
  LOCATOR_GRID,
  LOCATOR_NETWORK_NAMES,
  LUMBAR_VARIANTS,
  bmdNetworkName,
  fusionInputCount,
  variantViews,
} from './lumbar-networks.js';

export const LUMBAR_PIPELINE = 'lumbar';

export const lumbarParametersSchema = z
  .object({
    /** The BMD networks the model holds, the first being the one used when its views are there. */
    // bodyContrast: the body-over-disc contrasts fused beside the covariates (absent in models before 2026-12-05).
    variants: z.array(z.object({ variant: z.enum(LUMBAR_VARIANTS), covariates: z.boolean(), bodyContrast: z.boolean().default(false) })).min(1),
    networksFrom: cohortRecordSchema.optional(),
  })
  .passthrough();

export const lumbarMetricsSchema = z.record(z.string(), z.unknown());

export interface LumbarBmdNetwork {
  variant: LumbarVariant;
  covariates: boolean;
  bodyContrast: boolean;
  network: tfTypes.LayersModel;
}

export interface LumbarModel {
  dir: string;
  description: ModelDescription;
  parameters: z.infer<typeof lumbarParametersSchema>;
  locators: Record<LumbarView, tfTypes.LayersModel>;
  /** In order of preference. */
  bmd: LumbarBmdNetwork[];
}

/** Loads a lumbar model folder, checking its networks and their input shapes (BAD_MODEL naming the file otherwise). */
export async function loadLumbarModel(tf: typeof tfTypes, dir: string): Promise<LumbarModel> {
  // model.json first: which BMD networks the folder should hold follows from its parameters.
  const description = readModelDescription(dir);
  if (description.pipeline !== LUMBAR_PIPELINE)
    throw new OpenBmdError('BAD_MODEL', `this model is for the ${description.pipeline} pipeline, not ${LUMBAR_PIPELINE}`, {
      file: join(dir, MODEL_DESCRIPTION_FILE),
    });
  const { parameters } = readModelParts(description, dir, { parameters: lumbarParametersSchema, metrics: lumbarMetricsSchema });
  const locatorShape = [[LOCATOR_GRID.rows, LOCATOR_GRID.columns, LOCATOR_CHANNELS]];
  const cropShape = [CROP.size, CROP.size, CROP_CHANNELS];
  const networks: Record<string, { inputShapes: number[][] }> = {
    [LOCATOR_NETWORK_NAMES.ap]: { inputShapes: locatorShape },
    [LOCATOR_NETWORK_NAMES.lat]: { inputShapes: locatorShape },
  };
  for (const v of parameters.variants)
    networks[bmdNetworkName(v.variant)] = { inputShapes: [...variantViews(v.variant).map(() => cropShape), [fusionInputCount(v.bodyContrast)]] };
  const loaded = await loadModelFolder(tf, dir, { pipeline: LUMBAR_PIPELINE, networks });
  return {
    dir,
    description: loaded.description,
    parameters,
    locators: { ap: loaded.networks[LOCATOR_NETWORK_NAMES.ap]!, lat: loaded.networks[LOCATOR_NETWORK_NAMES.lat]! },
    bmd: parameters.variants.map((v) => ({ ...v, network: loaded.networks[bmdNetworkName(v.variant)]! })),
  };
}

export function disposeLumbarModel(model: LumbarModel): void {
  Object.values(model.locators).forEach((n) => n.dispose());
  model.bmd.forEach((b) => b.network.dispose());
}
