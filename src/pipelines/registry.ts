import { ctSpinePipeline } from './ct-spine/index.js';
import { forearmPipeline } from './forearm/index.js';
import { lumbarPipeline } from './lumbar/index.js';
import type { PipelineVisitor, Site } from './pipeline.js';
import { SITES, isSite } from './pipeline.js';

/**
 * Every pipeline openbmd has, one per site. `satisfies` a record over SITES: a site added there and
 * not registered here does not compile, and neither does any switch over sites that misses it.
 */
export const PIPELINES = {
  forearm: forearmPipeline,
  lumbar: lumbarPipeline,
  'ct-spine': ctSpinePipeline,
} as const satisfies Record<Site, { site: Site }>;

/** Runs a function on a site's pipeline with that pipeline's own types (no casts for the drivers). */
export function withPipeline<R>(site: Site, visit: PipelineVisitor<R>): R {
  switch (site) {
    case 'forearm':
      return visit(PIPELINES.forearm);
    case 'lumbar':
      return visit(PIPELINES.lumbar);
    case 'ct-spine':
      return visit(PIPELINES['ct-spine']);
    default:
      return site satisfies never;
  }
}

export { SITES, isSite };
export type { Site };
