import { ctSpineFront, loadCtSpinePipeline } from './ct-spine/index.js';
import { forearmFront, loadForearmPipeline } from './forearm/index.js';
import { hipFront, loadHipPipeline } from './hip/index.js';
import { loadLumbarPipeline, lumbarFront } from './lumbar/index.js';
import type { PipelineFront, PipelineVisitor, Site } from './pipeline.js';
import { SITES, isSite } from './pipeline.js';

/**
 * Every pipeline openbmd has, one per site, by its front (name, input check, default model), which
 * is all choosing a site needs. `satisfies` a record over SITES: a site added there and not
 * registered here does not compile, and neither does any switch over sites that misses it.
 */
export const PIPELINE_FRONTS = {
  forearm: forearmFront,
  lumbar: lumbarFront,
  'ct-spine': ctSpineFront,
  hip: hipFront,
} as const satisfies Record<Site, PipelineFront>;

/**
 * Runs a function on a site's pipeline with that pipeline's own types (no casts for the drivers),
 * loading the pipeline first: one analysis loads one method's code, not all of them (a lumbar
 * analyze starts about 0.2 s sooner).
 */
export async function withPipeline<R>(site: Site, visit: PipelineVisitor<R>): Promise<Awaited<R>> {
  switch (site) {
    case 'forearm':
      return await visit(await loadForearmPipeline());
    case 'lumbar':
      return await visit(await loadLumbarPipeline());
    case 'ct-spine':
      return await visit(await loadCtSpinePipeline());
    case 'hip':
      return await visit(await loadHipPipeline());
    default:
      return site satisfies never;
  }
}

export { SITES, isSite };
export type { Site };
