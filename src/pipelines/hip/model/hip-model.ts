import { join } from 'node:path';
import type * as tfTypes from '../../../nn/tfjs-types.js';
import type { TensorFlow } from '../../../nn/tfjs-runtime.js';
import { z } from 'zod';
import { OpenBmdError } from '../../../core/errors.js';
import type { ModelDescription } from '../../../nn/model-folder/model-description.js';
import { MODEL_DESCRIPTION_FILE, loadModelFolder, readModelDescription, readModelParts } from '../../../nn/model-folder/model-folder.js';
import { HIP_FIELD } from '../radiograph/hip-field.js';
import { BMD_REGRESSION_NETWORK, PF_GENERATOR_NETWORK, bmdRegressionNetworkName } from './hip-networks.js';
import type { BmdRegressionParameters } from './bmd-regression.js';
import { bmdRegressionParametersSchema } from './bmd-regression.js';
import { hipBmdCalibrationSchema } from './pf-drr-bmd.js';

export const HIP_PIPELINE = 'hip';

export const hipParametersSchema = z
  .object({
    hierarchical: z.boolean(),
    field: z.object({
      rows: z.literal(HIP_FIELD.rows),
      columns: z.literal(HIP_FIELD.columns),
      pixelMm: z.literal(HIP_FIELD.pixelMm),
      /** The networks' input channels (hip-network-input.ts); models made before the choice read one. */
      inputChannels: z.union([z.literal(1), z.literal(2)]).default(1),
    }),
    calibration: hipBmdCalibrationSchema,
    /** Stage three, where the model has it. */
    regression: bmdRegressionParametersSchema.optional(),
  })
  .passthrough();

export interface HipModel {
  dir: string;
  description: ModelDescription;
  parameters: z.infer<typeof hipParametersSchema>;
  /** Radiograph field -> PF-DRR (seed 001's stage-two generator). */
  generator: tfTypes.LayersModel;
  /** Radiograph field -> BMD (seed 001's stage-three regression network, or an ensemble of them), with their parameters; absent in models without stage three. */
  regression: { networks: tfTypes.LayersModel[]; parameters: BmdRegressionParameters } | undefined;
}

/** Loads a hip model folder (BAD_MODEL naming the file when it is another pipeline's, or its field or generator differ). */
export async function loadHipModel(tf: TensorFlow, dir: string): Promise<HipModel> {
  const description = readModelDescription(dir);
  if (description.pipeline !== HIP_PIPELINE)
    throw new OpenBmdError('BAD_MODEL', `this model is for the ${description.pipeline} pipeline, not ${HIP_PIPELINE}`, {
      file: join(dir, MODEL_DESCRIPTION_FILE),
    });
  const { parameters } = readModelParts(description, dir, { parameters: hipParametersSchema, metrics: z.record(z.string(), z.unknown()) });
  // Both networks read the field as model.json describes it; stage three is optional.
  const fieldInput = { inputShapes: [[HIP_FIELD.rows, HIP_FIELD.columns, parameters.field.inputChannels]] };
  // Stage three's networks: as many as its parameters say (each must be in the folder).
  const memberNames = Array.from({ length: parameters.regression?.members ?? 0 }, (_, k) => bmdRegressionNetworkName(k + 1));
  const loaded = await loadModelFolder(tf, dir, {
    pipeline: HIP_PIPELINE,
    networks: {
      [PF_GENERATOR_NETWORK]: fieldInput,
      ...(description.networks[BMD_REGRESSION_NETWORK] === undefined ? {} : Object.fromEntries(memberNames.map((name) => [name, fieldInput]))),
    },
  });
  const network = loaded.networks[BMD_REGRESSION_NETWORK];
  if ((network === undefined) !== (parameters.regression === undefined)) {
    Object.values(loaded.networks).forEach((m) => m.dispose());
    throw new OpenBmdError(
      'BAD_MODEL',
      `has ${network === undefined ? 'regression parameters but no' : 'a regression network but no parameters for its'} ${BMD_REGRESSION_NETWORK} network`,
      {
        file: join(dir, MODEL_DESCRIPTION_FILE),
      },
    );
  }
  return {
    dir,
    description: loaded.description,
    parameters,
    generator: loaded.networks[PF_GENERATOR_NETWORK]!,
    regression:
      network === undefined || parameters.regression === undefined
        ? undefined
        : { networks: memberNames.map((name) => loaded.networks[name]!), parameters: parameters.regression },
  };
}

export function disposeHipModel(model: HipModel): void {
  model.generator.dispose();
  model.regression?.networks.forEach((n) => n.dispose());
}
