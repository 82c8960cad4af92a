import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import { packageRoot } from '../../core/package-paths.js';
import type { ModelDescription } from '../../nn/model-folder/model-description.js';
import { MODEL_DESCRIPTION_FILE, loadModelFolder } from '../../nn/model-folder/model-folder.js';
import { CORONAL_WINDOW, CT_SPINE_NETWORK_NAMES, SAGITTAL_WINDOW, SEGMENTATION_CROP, SEGMENTATION_WINDOWS_HU } from './ct-spine-networks.js';
import type { CtSpineNetworks } from './train-ct-spine-networks.js';

export const CT_SPINE_PIPELINE = 'ct-spine';

/** The shipped default model (trained on a SIMULATED cohort by the command in its model.json). */
export function defaultCtSpineModelDir(): string {
  return join(packageRoot(), 'models', 'ct-spine');
}

/** Reference QCT = interceptMgPerCm3 + slope * calibrated vBMD: a calibration method's cross-calibration to the cohort's reference, fitted by train. */
export const recalibrationSchema = z.object({
  slope: z.number().finite(),
  interceptMgPerCm3: z.number().finite(),
  n: z.number().int().positive(),
  /**
   * With the age: QCT = intercept + slope * calibrated + agePerYear * age. Single-energy QCT reads
   * marrow fat as missing mineral, and marrow fat rises with age, so age corrects part of that error.
   */
  withAge: z.object({ slope: z.number().finite(), interceptMgPerCm3: z.number().finite(), agePerYear: z.number().finite(), n: z.number().int().positive() }).optional(),
});
export type Recalibration = z.infer<typeof recalibrationSchema>;

export interface CtSpineModel {
  dir: string;
  description: ModelDescription;
  networks: CtSpineNetworks;
  recalibration: { rods: Recalibration | null; phantomless: Recalibration | null };
}

/** Loads a ct-spine model folder, checking the pipeline, the three networks' input shapes and the recalibrations (BAD_MODEL naming the file otherwise). */
export async function loadCtSpineModel(tf: typeof tfTypes, dir: string): Promise<CtSpineModel> {
  const [d, h, w] = SEGMENTATION_CROP.size;
  const { description, networks } = await loadModelFolder(tf, dir, {
    pipeline: CT_SPINE_PIPELINE,
    networks: {
      [CT_SPINE_NETWORK_NAMES.coronal]: { inputShapes: [[CORONAL_WINDOW.rows, CORONAL_WINDOW.columns, 1]] },
      [CT_SPINE_NETWORK_NAMES.sagittal]: { inputShapes: [[SAGITTAL_WINDOW.rows, SAGITTAL_WINDOW.columns, 1]] },
      [CT_SPINE_NETWORK_NAMES.segmentation]: { inputShapes: [[d, h, w, SEGMENTATION_WINDOWS_HU.length]] },
    },
  });
  const read = (method: 'rods' | 'phantomless'): Recalibration | null => {
    const raw = (description.parameters['recalibration'] as Record<string, unknown> | undefined)?.[method];
    if (raw === undefined || raw === null) return null;
    const parsed = recalibrationSchema.safeParse(raw);
    if (!parsed.success) throw new OpenBmdError('BAD_MODEL', `parameters.recalibration.${method} is not a valid fit: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { file: join(dir, MODEL_DESCRIPTION_FILE) });
    return parsed.data;
  };
  return {
    dir,
    description,
    networks: {
      coronal: networks[CT_SPINE_NETWORK_NAMES.coronal]!,
      sagittal: networks[CT_SPINE_NETWORK_NAMES.sagittal]!,
      segmentation: networks[CT_SPINE_NETWORK_NAMES.segmentation]!,
    },
    recalibration: { rods: read('rods'), phantomless: read('phantomless') },
  };
}

export function disposeCtSpineModel(model: CtSpineModel): void {
  for (const n of Object.values(model.networks)) n.dispose();
}

/** A calibrated vBMD mapped to the reference QCT: with the age where both the fit and the age are there. */
export function recalibrate(r: Recalibration | null, calibratedMgPerCm3: number | null, ageYears: number | undefined): number | null {
  if (r === null || calibratedMgPerCm3 === null) return null;
  if (r.withAge !== undefined && ageYears !== undefined) return r.withAge.interceptMgPerCm3 + r.withAge.slope * calibratedMgPerCm3 + r.withAge.agePerYear * ageYears;
  return r.interceptMgPerCm3 + r.slope * calibratedMgPerCm3;
}
