import { join } from 'node:path';
import { packageRoot } from '../../core/package-paths.js';
import type { PipelineFront } from '../pipeline.js';

export const CT_SPINE_METHOD = 'seed 002: T12-L2 located on the coronal MIP, cancellous bone segmented in 3-D, vBMD (ACR QCT categories)';

/** Body parts (DICOM BodyPartExamined) of a CT that may cover T12-L2; an empty value is accepted. */
const TRUNK_BODY_PARTS: readonly string[] = [
  'CHEST',
  'ABDOMEN',
  'PELVIS',
  'CHESTABDOMEN',
  'CHEST_ABDOMEN',
  'ABDOMENPELVIS',
  'CHESTABDPELVIS',
  'CAP',
  'TRUNK',
  'SPINE',
  'TSPINE',
  'LSPINE',
  'THORAX',
  'WHOLEBODY',
  'WHOLE BODY',
];

/** The shipped default model (trained on a SIMULATED cohort by the command in its model.json). */
export function defaultCtSpineModelDir(): string {
  return join(packageRoot(), 'models', 'ct-spine');
}

/** The ct-spine pipeline before it is loaded: its name and whether a DICOM header (or a NIfTI volume) is its input. */
export const ctSpineFront: PipelineFront = {
  site: 'ct-spine',
  title: 'spine trabecular vBMD from a low-dose chest/abdomen CT',
  method: CT_SPINE_METHOD,
  inputDescription: 'one axial CT series (a folder of its slices, or a NIfTI-1 volume in HU) covering T12-L2, with or without calibration rods',
  defaultModelDir: defaultCtSpineModelDir,

  inputFit(header) {
    if (header.format === 'nifti') return { fits: 'unknown' };
    if (header.modality !== undefined && header.modality !== 'CT')
      return { fits: false, reason: `Modality is ${header.modality}; the ct-spine pipeline reads CT series` };
    if (!header.isFolder) return { fits: false, reason: 'the ct-spine pipeline reads a CT series folder (or a NIfTI CT volume), not one DICOM file' };
    if (header.bodyPart !== undefined && header.bodyPart !== '' && !TRUNK_BODY_PARTS.includes(header.bodyPart))
      return { fits: false, reason: `BodyPartExamined is ${header.bodyPart}; the ct-spine pipeline reads chest or abdomen CT` };
    return header.modality === 'CT' ? { fits: true } : { fits: 'unknown' };
  },
};
