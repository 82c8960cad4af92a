// The forearm pipeline (seed 000) as the rest of openbmd sees it: its front, and its Pipeline
// loaded on first use (choosing a site for an input needs only the front).
import type { forearmPipeline } from './forearm-pipeline.js';

export { forearmFront } from './forearm-front.js';
export type { ForearmStudy } from './forearm-pipeline.js';

export async function loadForearmPipeline(): Promise<typeof forearmPipeline> {
  return (await import('./forearm-pipeline.js')).forearmPipeline;
}
