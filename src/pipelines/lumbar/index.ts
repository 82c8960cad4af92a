// The lumbar pipeline (seeds 003 and 004) as the rest of openbmd sees it: its front, and its
// Pipeline loaded on first use (choosing a site for an input needs only the front).
import type { lumbarPipeline } from './lumbar-pipeline.js';

export { lumbarFront } from './lumbar-front.js';
export type { LumbarStudy } from './lumbar-pipeline.js';

export async function loadLumbarPipeline(): Promise<typeof lumbarPipeline> {
  return (await import('./lumbar-pipeline.js')).lumbarPipeline;
}
