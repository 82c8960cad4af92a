// The hip pipeline's CT side (femora, pelvis and the proximal-femur region from a CT alone), which
// `openbmd hip-ct` runs: loaded on first use through index.ts, so that choosing a site or reading a
// radiograph does not load the volume code.
export { segmentHipCt } from './segment-hip-ct.js';
export { hipCtOverview } from './hip-ct-overview.js';
export { BELOW_LESSER_TROCHANTER_MM } from './proximal-femur-region.js';
export { BONE_HU, HIP_BONE_LABEL } from './segment-hip-bones.js';
