import { join } from 'node:path';
import { packageRoot } from '../../core/package-paths.js';
import type { PipelineFront } from '../pipeline.js';

export const HIP_METHOD =
  "seed 001 (BMD-GAN): each hip's field of an AP pelvis radiograph decomposed by an encoder-decoder generator (trained against multi-scale PatchGANs on DRRs of the same persons' CTs registered to their radiographs, bone DRR then proximal-femur DRR) into the proximal femur's DRR, whose mean above a tuned threshold gives femoral-neck and total-hip aBMD and proximal-femur vBMD by linear fits; a regression network on the generator's encoder (stage three) estimates them too, and each measurement names which estimate it is";

/** BodyPartExamined values of an AP pelvis or hip radiograph. */
export const HIP_BODY_PARTS: readonly string[] = ['PELVIS', 'HIP', 'HIPS', 'PELVISHIP'];

/** The shipped default model (trained on a SIMULATED cohort by the command in its model.json). */
export function defaultHipModelDir(): string {
  return join(packageRoot(), 'models', 'hip');
}

/** The hip pipeline before it is loaded: its name and whether a DICOM header is its input. */
export const hipFront: PipelineFront = {
  site: 'hip',
  title: 'femoral-neck and total-hip areal BMD and proximal-femur vBMD from an AP pelvis radiograph',
  method: HIP_METHOD,
  inputDescription: 'an AP pelvis radiograph with both hips (DICOM DX or CR, with its pixel spacing)',
  defaultModelDir: defaultHipModelDir,

  inputFit(header) {
    if (header.format === 'nifti') return { fits: false, reason: 'the hip pipeline reads DICOM radiographs, not NIfTI volumes' };
    if (header.isFolder) return { fits: false, reason: 'the hip pipeline reads one radiograph file, not a folder' };
    if (header.modality !== undefined && !['DX', 'CR', 'RG', 'DR'].includes(header.modality))
      return { fits: false, reason: `Modality is ${header.modality}; the hip pipeline reads radiographs (DX, CR)` };
    if (header.bodyPart !== undefined && header.bodyPart !== '') {
      return HIP_BODY_PARTS.includes(header.bodyPart)
        ? { fits: true }
        : { fits: false, reason: `BodyPartExamined is ${header.bodyPart}; the hip pipeline reads pelvis and hip radiographs` };
    }
    return { fits: 'unknown' };
  },
};
