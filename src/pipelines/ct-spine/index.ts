// The ct-spine pipeline (seed 002) as the rest of openbmd sees it: its Pipeline, nothing else.
export { ctSpinePipeline } from './ct-spine-pipeline.js';
export type { CtSpineStudy } from './ct-spine-pipeline.js';
