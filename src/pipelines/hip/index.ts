// The hip pipeline (seed 001, BMD-GAN) as the rest of openbmd sees it. So far: the CT side (femora,
// pelvis and the proximal-femur region from a CT alone) that makes its training targets.
export type { HipCtSegmentation, HipCtSide } from './ct/segment-hip-ct.js';
export { segmentHipCt } from './ct/segment-hip-ct.js';
export { hipCtOverview } from './ct/hip-ct-overview.js';
export { BELOW_LESSER_TROCHANTER_MM } from './ct/proximal-femur-region.js';
export { BONE_HU, HIP_BONE_LABEL } from './ct/segment-hip-bones.js';
export type { HipSide } from './ct/segment-femur.js';
