import { join } from 'node:path';
import { packageRoot } from '../../core/package-paths.js';
import type { PipelineFront } from '../pipeline.js';

export const LUMBAR_METHOD =
  "seeds 003 and 004: L1-L4 found on each view by a U-Net (model-free order, size and spacing checks), seed 004's ROI crops (smallest rectangle with 2 mm margins, mid-disc edges; grey filling, normalisation, Gaussian filter, histogram equalisation), a DenseNet-BC per view fused late with age, sex and BMI, heads for lumbar and femoral-neck aBMD (seed 003) and the three WHO classes (seed 004)";

/** BodyPartExamined values of a lumbar (or thoraco-lumbar) spine radiograph; absent or empty is accepted too. */
export const LUMBAR_BODY_PARTS: readonly string[] = ['LSPINE', 'SPINE', 'LUMBAR', 'LUMBARSPINE', 'L-SPINE', 'TLSPINE', 'LSSPINE', 'ABDOMEN'];

/** The shipped default model (trained on a SIMULATED cohort by the command in its model.json). */
export function defaultLumbarModelDir(): string {
  return join(packageRoot(), 'models', 'lumbar');
}

/** The lumbar pipeline before it is loaded: its name and whether a DICOM header is its input. */
export const lumbarFront: PipelineFront = {
  site: 'lumbar',
  title: 'lumbar and femoral-neck areal BMD and the WHO class from lumbar spine radiographs',
  method: LUMBAR_METHOD,
  inputDescription: 'an AP lumbar spine radiograph (DICOM DX or CR), and its lateral where there is one',
  defaultModelDir: defaultLumbarModelDir,

  inputFit(header) {
    if (header.format === 'nifti') return { fits: false, reason: 'the lumbar pipeline reads DICOM radiographs, not NIfTI volumes' };
    if (header.isFolder) return { fits: false, reason: 'the lumbar pipeline reads radiograph files, not a folder' };
    if (header.modality !== undefined && !['DX', 'CR', 'RG', 'DR'].includes(header.modality))
      return { fits: false, reason: `Modality is ${header.modality}; the lumbar pipeline reads radiographs (DX, CR)` };
    if (header.bodyPart !== undefined && header.bodyPart !== '') {
      return LUMBAR_BODY_PARTS.includes(header.bodyPart)
        ? { fits: true }
        : { fits: false, reason: `BodyPartExamined is ${header.bodyPart}; the lumbar pipeline reads lumbar spine radiographs` };
    }
    return { fits: 'unknown' };
  },
};
