// The ct-spine pipeline (seed 002) as the rest of openbmd sees it: its front, and its Pipeline
// loaded on first use (choosing a site for an input needs only the front).
import type { ctSpinePipeline } from './ct-spine-pipeline.js';

export { ctSpineFront } from './ct-spine-front.js';
export type { CtSpineStudy } from './ct-spine-pipeline.js';

export async function loadCtSpinePipeline(): Promise<typeof ctSpinePipeline> {
  return (await import('./ct-spine-pipeline.js')).ctSpinePipeline;
}
