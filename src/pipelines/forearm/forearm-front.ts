import { join } from 'node:path';
import { packageRoot } from '../../core/package-paths.js';
import type { PipelineFront } from '../pipeline.js';

export const FOREARM_METHOD =
  "seed 000: step-wedge calibration, attention U-Net background removal, SCN key points, Eq. [2] soft-tissue correction (openbmd: thicknesses on the wedge's curve through its background and steps, T_t the soft tissue beneath the radius by DXA's baseline, P, Q, R per detector)";

/** Body parts (DICOM BodyPartExamined) a hand/forearm radiograph may carry; an empty value is accepted. */
export const FOREARM_BODY_PARTS: readonly string[] = ['HAND', 'WRIST', 'FOREARM', 'ARM', 'UPPER LIMB', 'UPPER_LIMB', 'UPPEREXTREMITY', 'EXTREMITY'];

/** The shipped default model (trained on a SIMULATED cohort by the command in its model.json). */
export function defaultForearmModelDir(): string {
  return join(packageRoot(), 'models', 'forearm');
}

/** The forearm pipeline before it is loaded: its name and whether a DICOM header is its input. */
export const forearmFront: PipelineFront = {
  site: 'forearm',
  title: 'forearm areal BMD from a radiograph with a step wedge',
  method: FOREARM_METHOD,
  inputDescription: 'one hand/forearm radiograph (DICOM DX or CR) with a step-wedge phantom in the field',
  defaultModelDir: defaultForearmModelDir,

  inputFit(header) {
    if (header.format === 'nifti') return { fits: false, reason: 'the forearm pipeline reads DICOM radiographs, not NIfTI volumes' };
    if (header.isFolder) return { fits: false, reason: 'the forearm pipeline reads one radiograph file, not a folder' };
    if (header.modality !== undefined && !['DX', 'CR', 'RG', 'DR'].includes(header.modality))
      return { fits: false, reason: `Modality is ${header.modality}; the forearm pipeline reads radiographs (DX, CR)` };
    if (header.bodyPart !== undefined && header.bodyPart !== '') {
      return FOREARM_BODY_PARTS.includes(header.bodyPart)
        ? { fits: true }
        : { fits: false, reason: `BodyPartExamined is ${header.bodyPart}; the forearm pipeline reads hand/forearm radiographs` };
    }
    return { fits: 'unknown' };
  },
};
