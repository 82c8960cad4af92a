// The forearm pipeline (seed 000) as the rest of openbmd sees it: its Pipeline, nothing else.
export { forearmPipeline } from './forearm-pipeline.js';
export type { ForearmStudy } from './forearm-pipeline.js';
