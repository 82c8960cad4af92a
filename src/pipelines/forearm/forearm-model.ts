import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import type { ModelDescription } from '../../nn/model-folder/model-description.js';
import { MODEL_DESCRIPTION_FILE, loadModelFolder, readModelParts } from '../../nn/model-folder/model-folder.js';
import { cohortRecordSchema } from '../../nn/model-folder/model-description.js';
import type { AbmdEquationSet } from './abmd-equation-set.js';
import { FINE_CROP, FOREARM_NETWORK_NAMES, WHOLE_GRID } from './forearm-networks.js';
import { join } from 'node:path';

export const FOREARM_PIPELINE = 'forearm';

export interface ForearmNetworks {
  segmentation: tfTypes.LayersModel;
  coarseLandmarks: tfTypes.LayersModel;
  fineLandmarks: tfTypes.LayersModel;
}

/** model.json parameters of a forearm model. Eq. [2] is parsed on its own: it was stored in two forms. */
export const forearmParametersSchema = z
  .object({
    abmdEquation: z.unknown().optional(),
    stages: z.record(z.string(), z.string()).optional(),
    backgroundRemoval: z.boolean().optional(),
    networksFrom: cohortRecordSchema.optional(),
  })
  .passthrough();

/** model.json metrics of a forearm model: the out-of-fold figures of Eq. [2], where train validated it. */
export const forearmMetricsSchema = z
  .object({
    outOfFold: z.object({ folds: z.number().int().positive(), n: z.number().int().nonnegative(), pcc: z.number(), mae: z.number() }).passthrough().optional(),
  })
  .passthrough();

export interface ForearmModel {
  dir: string;
  description: ModelDescription;
  parameters: z.infer<typeof forearmParametersSchema>;
  metrics: z.infer<typeof forearmMetricsSchema>;
  networks: ForearmNetworks;
  /** Eq. [2]'s fitted coefficients (pooled and per detector); absent in a model that only holds networks. */
  equation: AbmdEquationSet | undefined;
  /** Whether the coarse key-point network takes background-removed images (seed 000) or the radiograph as it is. */
  backgroundRemoval: boolean;
}

const equationSchema = z.object({ pGPerCm2PerMm: z.number().finite(), q: z.number().finite(), rGPerCm2: z.number().finite(), n: z.number().int().positive() });
const equationSetSchema = z.object({
  softTissue: z.enum(['rectangle', 'under-radius']),
  /**
   * 'wedge-curve': the inputs of openbmd's Eq. [2] since the wedge's curve and DXA's baseline
   * replaced the least-squares line and the elliptical limb; absent in models fitted before.
   */
  inputs: z.literal('wedge-curve').optional(),
  pooled: equationSchema,
  detectors: z.array(z.object({ detector: z.string().min(1), equation: equationSchema, outOfFoldRmseGPerCm2: z.number().nonnegative().optional() })),
});

/** What Eq. [2]'s inputs are since the wedge's curve and DXA's baseline (model.json `parameters.abmdEquation.inputs`). */
export const CURRENT_EQUATION_INPUTS = 'wedge-curve';

/**
 * parameters.abmdEquation: a set (pooled and per detector), or one equation as older models stored
 * it (seed 000's rectangle, pooled). Seed 000's inputs have not changed, so its equations still
 * load; an 'under-radius' set fitted before the current inputs would be applied to other numbers
 * than it was fitted on, and is refused.
 */
export function parseAbmdEquationSet(raw: unknown): { set: AbmdEquationSet } | { problem: string } {
  const set = equationSetSchema.safeParse(raw);
  if (set.success) {
    if (set.data.softTissue === 'under-radius' && set.data.inputs !== CURRENT_EQUATION_INPUTS)
      return {
        problem:
          "its Eq. [2] was fitted on the inputs of an earlier openbmd (the wedge's least-squares line and an elliptical limb); refit it on your cohort with `openbmd train forearm --cohort <cohort.csv> --networks <this model>`",
      };
    return { set: { softTissue: set.data.softTissue, pooled: set.data.pooled, detectors: set.data.detectors } };
  }
  const single = equationSchema.safeParse(raw);
  if (single.success) return { set: { softTissue: 'rectangle', pooled: single.data, detectors: [] } };
  return { problem: set.error.issues[0] === undefined ? 'invalid' : `${set.error.issues[0].path.join('.')}: ${set.error.issues[0].message}` };
}

/** Loads a forearm model folder, checking the pipeline, the three networks and their input shapes (BAD_MODEL naming the file otherwise). */
export async function loadForearmModel(tf: TensorFlow, dir: string): Promise<ForearmModel> {
  const whole = [[WHOLE_GRID.rows, WHOLE_GRID.columns, 1]];
  const { description, networks } = await loadModelFolder(tf, dir, {
    pipeline: FOREARM_PIPELINE,
    networks: {
      [FOREARM_NETWORK_NAMES.segmentation]: { inputShapes: whole },
      [FOREARM_NETWORK_NAMES.coarseLandmarks]: { inputShapes: whole },
      [FOREARM_NETWORK_NAMES.fineLandmarks]: { inputShapes: [[FINE_CROP.size, FINE_CROP.size, 1]] },
    },
  });
  const { parameters, metrics } = readModelParts(description, dir, { parameters: forearmParametersSchema, metrics: forearmMetricsSchema });
  const raw = parameters.abmdEquation;
  let equation: AbmdEquationSet | undefined;
  if (raw !== undefined) {
    const parsed = parseAbmdEquationSet(raw);
    if ('problem' in parsed)
      throw new OpenBmdError('BAD_MODEL', `parameters.abmdEquation is not a valid Eq. [2] fit: ${parsed.problem}`, { file: join(dir, MODEL_DESCRIPTION_FILE) });
    equation = parsed.set;
  }
  return {
    dir,
    description,
    parameters,
    metrics,
    networks: {
      segmentation: networks[FOREARM_NETWORK_NAMES.segmentation]!,
      coarseLandmarks: networks[FOREARM_NETWORK_NAMES.coarseLandmarks]!,
      fineLandmarks: networks[FOREARM_NETWORK_NAMES.fineLandmarks]!,
    },
    equation,
    backgroundRemoval: parameters.backgroundRemoval !== false,
  };
}

export function disposeForearmModel(model: ForearmModel): void {
  model.networks.segmentation.dispose();
  model.networks.coarseLandmarks.dispose();
  model.networks.fineLandmarks.dispose();
}
