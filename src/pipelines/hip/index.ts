// The hip pipeline (seed 001, BMD-GAN) as the rest of openbmd sees it: its front, and its Pipeline
// and CT side (femora, pelvis and the proximal-femur region from a CT alone, which `openbmd hip-ct`
// runs) loaded on first use: every command chooses its site through the fronts, and a lumbar or
// forearm run has no use for the volume code.
import type * as hipCtSide from './ct/hip-ct-side.js';
import type { hipPipeline } from './hip-pipeline.js';

export type { HipCtSegmentation, HipCtSide } from './ct/segment-hip-ct.js';
export type { HipSide } from './ct/segment-femur.js';
export { hipFront } from './hip-front.js';
export type { HipStudy } from './hip-pipeline.js';

export async function loadHipPipeline(): Promise<typeof hipPipeline> {
  return (await import('./hip-pipeline.js')).hipPipeline;
}

export async function loadHipCtSide(): Promise<typeof hipCtSide> {
  return import('./ct/hip-ct-side.js');
}
