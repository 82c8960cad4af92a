import type { Volume3D } from '../../core/volume3d.js';
import { volumeIndexToPointMm } from '../../core/volume3d.js';
import { OPENBMD_VERSION } from '../../nn/model-folder/model-folder.js';
import type { Code, SegmentToWrite, SegmentationOptions } from '../../io/dicom/write/write-segmentation.js';
import { newDicomUid } from '../../io/dicom/write/dicom-uid.js';
import type { TargetLevel } from './ct-spine-networks.js';
import type { CtSpineSeries } from './ct-spine-series.js';
import type { CtSpineMeasurement } from './measure-ct-spine.js';

/** SNOMED CT codes of the segmented structures (the segment's type; its description says cancellous bone). */
export const SNOMED_LEVEL_CODES: Record<TargetLevel, Code> = {
  T12: { value: '23215003', scheme: 'SCT', meaning: 'T12 vertebra' },
  L1: { value: '66794005', scheme: 'SCT', meaning: 'L1 vertebra' },
  L2: { value: '14293000', scheme: 'SCT', meaning: 'L2 vertebra' },
};
const ANATOMICAL_STRUCTURE: Code = { value: '91723000', scheme: 'SCT', meaning: 'Anatomical Structure' };

/** What an SR needs to reference a written SEG: its UIDs and which segment holds which level. */
export interface WrittenSegmentation {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  segmentNumbers: Partial<Record<TargetLevel, number>>;
}

/** The network's cancellous masks of a measurement as a DICOM SEG on the series' grid, referencing its slices (its UIDs chosen here, for the SR); null when there is nothing to write. */
export function ctSpineSegmentationObject(
  series: CtSpineSeries,
  m: CtSpineMeasurement,
  modelName: string,
  simulated: boolean,
): { options: SegmentationOptions; written: WrittenSegmentation } | null {
  const volume: Volume3D = series.volume;
  const [nx, ny] = volume.size;
  const plane = nx * ny;
  const segments: SegmentToWrite[] = [];
  const segmentNumbers: WrittenSegmentation['segmentNumbers'] = {};
  for (const l of m.levels) {
    if (l.segmentation === null || l.segmentation.region.offsets.length === 0) continue;
    const slices = new Map<number, Uint8Array>();
    for (const o of l.segmentation.region.offsets) {
      const k = Math.floor(o / plane);
      let mask = slices.get(k);
      if (mask === undefined) {
        mask = new Uint8Array(plane);
        slices.set(k, mask);
      }
      mask[o - k * plane] = 1;
    }
    segmentNumbers[l.level] = segments.length + 1;
    segments.push({
      label: `${l.level} cancellous`,
      description: `cancellous bone of ${l.level} (3-D SE residual U-Net)`,
      category: ANATOMICAL_STRUCTURE,
      type: SNOMED_LEVEL_CODES[l.level],
      algorithmName: `openbmd ct-spine ${modelName}`,
      slices,
    });
  }
  if (segments.length === 0 || series.info.frameOfReferenceUid === undefined) return null;
  const d = volume.direction;
  const written = { sopInstanceUid: newDicomUid(), seriesInstanceUid: newDicomUid(), segmentNumbers };
  const options: SegmentationOptions = {
    identity: series.info.identity,
    seriesDescription: `openbmd cancellous bone T12-L2${simulated ? ' (SIMULATED)' : ''}`,
    frameOfReferenceUid: series.info.frameOfReferenceUid,
    columns: nx,
    rows: ny,
    pixelSpacingMm: [volume.spacingMm[1], volume.spacingMm[0]],
    sliceThicknessMm: volume.spacingMm[2],
    imageOrientationPatient: [d[0], d[3], d[6], d[1], d[4], d[7]],
    slicePositionsMm: Array.from({ length: volume.size[2] }, (_, k) => volumeIndexToPointMm(volume, 0, 0, k)),
    sourceSeriesInstanceUid: series.info.seriesInstanceUid,
    sourceSlices: series.info.sliceSopInstanceUids.map((sopInstanceUid) => ({ sopClassUid: series.info.sopClassUid, sopInstanceUid })),
    segments,
    manufacturerModelName: 'openbmd ct-spine',
    softwareVersion: OPENBMD_VERSION,
    sopInstanceUid: written.sopInstanceUid,
    seriesInstanceUid: written.seriesInstanceUid,
  };
  return { options, written };
}
