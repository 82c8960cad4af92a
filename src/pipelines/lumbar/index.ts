// The lumbar pipeline (seeds 003 and 004) as the rest of openbmd sees it: its Pipeline, nothing else.
export { lumbarPipeline } from './lumbar-pipeline.js';
export type { LumbarStudy } from './lumbar-pipeline.js';
