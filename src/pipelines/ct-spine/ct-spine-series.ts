import type { CtCoverageNeed, CtVolumeRead } from '../../io/ct-volume/read-ct-volume.js';
import { readCtNiftiVolume, readCtSeriesFolder } from '../../io/ct-volume/read-ct-volume.js';

export type { CtSeriesInfo } from '../../io/ct-volume/read-ct-volume.js';
export { canonicalVolume, CONTRAST_ENHANCED, MAX_AXIAL_DEVIATION_DEG } from '../../io/ct-volume/read-ct-volume.js';

/** Shortest series the pipeline takes: T12-L2 span about 80-100 mm in adults; less cannot hold two levels. */
export const MIN_COVERAGE_MM = 60;
export const MIN_SLICES = 12;
const SPINE_COVERAGE: CtCoverageNeed = { minCoverageMm: MIN_COVERAGE_MM, minSlices: MIN_SLICES, reason: 'to hold two vertebrae' };

/** An axial CT series in the pipeline's canonical frame: +i = patient left, +j = posterior, +k = superior (LPS), values in HU. */
export type CtSpineSeries = CtVolumeRead;

/** A CT series folder for the spine pipeline (`readCtSeriesFolder`, long enough for two vertebrae). */
export async function readCtSpineSeries(folder: string): Promise<CtSpineSeries> {
  return readCtSeriesFolder(folder, SPINE_COVERAGE);
}

/** A NIfTI CT volume for the spine pipeline (`readCtNiftiVolume`, long enough for two vertebrae). */
export async function readCtSpineNifti(file: string): Promise<CtSpineSeries> {
  return readCtNiftiVolume(file, SPINE_COVERAGE);
}
