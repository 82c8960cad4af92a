// The hip pipeline (seed 001, BMD-GAN) as the rest of openbmd sees it: its front, its Pipeline
// loaded on first use, and the CT side (femora, pelvis and the proximal-femur region from a CT
// alone) that `openbmd hip-ct` runs and training uses.
import type { hipPipeline } from './hip-pipeline.js';

export type { HipCtSegmentation, HipCtSide } from './ct/segment-hip-ct.js';
export { segmentHipCt } from './ct/segment-hip-ct.js';
export { hipCtOverview } from './ct/hip-ct-overview.js';
export { BELOW_LESSER_TROCHANTER_MM } from './ct/proximal-femur-region.js';
export { BONE_HU, HIP_BONE_LABEL } from './ct/segment-hip-bones.js';
export type { HipSide } from './ct/segment-femur.js';
export { hipFront } from './hip-front.js';
export type { HipStudy } from './hip-pipeline.js';

export async function loadHipPipeline(): Promise<typeof hipPipeline> {
  return (await import('./hip-pipeline.js')).hipPipeline;
}
