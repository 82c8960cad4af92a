import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import { readValidatedJson } from '../../core/read-validated-json.js';
import type { Volume3D } from '../../core/volume3d.js';
import { readNifti } from '../../io/nifti.js';
import type { CtSpineCase } from './ct-spine-cohort.js';
import type { TargetLevel } from './ct-spine-networks.js';
import { LEVEL_CODES, SEGMENTATION_CONTEXT, SEGMENTATION_CROP, TARGET_LEVELS } from './ct-spine-networks.js';
import { readCtSpineSeries } from './ct-spine-series.js';
import type { SpineProjection } from './spine-projections.js';
import { PROJECTION_PIXEL_MM, coronalMip, sagittalSlabMip } from './spine-projections.js';
import { sampleCrop } from '../../imaging/volume-crop.js';

const landmarksSchema = z.object({
  levels: z.array(z.object({ level: z.string(), complete: z.boolean(), bodyCentroidVoxel: z.tuple([z.number(), z.number(), z.number()]) })),
});

/** A body centre in a projection's pixels (column, row). */
export type ProjectionPoint = [number, number];

/** What the three networks train on, from one labelled case (cached once; training augments from it). */
export interface CtSpineTrainingSample {
  caseId: string;
  patientId: string;
  coronal: SpineProjection;
  /** Per target level (TARGET_LEVELS order), its body centre in the coronal projection, null when outside the series. */
  coronalCentres: (ProjectionPoint | null)[];
  sagittal: SpineProjection;
  /** Every vertebral body centre inside the series, in the sagittal projection. */
  sagittalCentres: ProjectionPoint[];
  /** Per target level inside the series: HU and cancellous-mask share on the context crop around its true centre. */
  crops: { level: TargetLevel; hu: Float32Array; mask: Float32Array }[];
}

/** Index-mm (x, y, z) of a voxel position of the canonical volume. */
function voxelToMm(voxel: readonly [number, number, number], spacingMm: readonly [number, number, number]): [number, number, number] {
  return [voxel[0] * spacingMm[0], voxel[1] * spacingMm[1], voxel[2] * spacingMm[2]];
}

/** The cohort's body centres of the target levels inside the series, index-mm of the canonical volume (simulated series are stored canonically). */
export function landmarkCentresMm(file: string, volume: Pick<Volume3D, 'size' | 'spacingMm'>): Partial<Record<TargetLevel, [number, number, number]>> {
  const landmarks = readValidatedJson(file, landmarksSchema, 'landmarks');
  const out: Partial<Record<TargetLevel, [number, number, number]>> = {};
  for (const l of landmarks.levels) {
    if (!(TARGET_LEVELS as readonly string[]).includes(l.level) || l.bodyCentroidVoxel[2] < 0 || l.bodyCentroidVoxel[2] > volume.size[2] - 1) continue;
    out[l.level as TargetLevel] = voxelToMm(l.bodyCentroidVoxel, volume.spacingMm);
  }
  return out;
}

/** Reads a labelled case (series, cancellous mask, level centroids) into its training sample. */
export async function ctSpineTrainingSample(c: CtSpineCase): Promise<CtSpineTrainingSample> {
  if (c.cancellousMask === undefined || c.landmarks === undefined)
    throw new OpenBmdError('EMPTY_INPUT', `case ${c.caseId} has no masks/landmarks to train on`, { file: c.image });
  const series = await readCtSpineSeries(c.image);
  const volume = series.volume;
  const mask = await readNifti(c.cancellousMask);
  if (mask.size.some((n, a) => n !== volume.size[a]))
    throw new OpenBmdError('INCONSISTENT', `mask is ${mask.size.join('x')}, the series ${volume.size.join('x')}`, { file: c.cancellousMask });
  const landmarks = readValidatedJson(c.landmarks, landmarksSchema, 'landmarks');
  const inSeries = landmarks.levels.filter((l) => l.bodyCentroidVoxel[2] >= 0 && l.bodyCentroidVoxel[2] <= volume.size[2] - 1);
  const centresMm = new Map(inSeries.map((l) => [l.level, voxelToMm(l.bodyCentroidVoxel, volume.spacingMm)]));
  const coronal = coronalMip(volume);
  const toPoint = (column: number, z: number, p: SpineProjection): ProjectionPoint => [
    (column - p.firstColumnMm) / PROJECTION_PIXEL_MM,
    (p.topZMm - z) / PROJECTION_PIXEL_MM,
  ];
  const coronalCentres = TARGET_LEVELS.map((level) => {
    const mm = centresMm.get(level);
    return mm === undefined ? null : toPoint(mm[0], mm[2], coronal);
  });
  const targetsMm = TARGET_LEVELS.map((level) => centresMm.get(level)).filter((m): m is [number, number, number] => m !== undefined);
  const midlineMm = targetsMm.length > 0 ? targetsMm.reduce((s, m) => s + m[0], 0) / targetsMm.length : ((volume.size[0] - 1) * volume.spacingMm[0]) / 2;
  const sagittal = sagittalSlabMip(volume, midlineMm);
  const sagittalCentres = [...centresMm.values()].map((mm) => toPoint(mm[1], mm[2], sagittal));
  const hu = volume.data;
  const labels = mask.data;
  const crops: CtSpineTrainingSample['crops'] = [];
  for (const level of TARGET_LEVELS) {
    const centreMm = centresMm.get(level);
    if (centreMm === undefined) continue;
    const grid = { centreMm, size: SEGMENTATION_CONTEXT, spacingMm: SEGMENTATION_CROP.spacingMm };
    const code = LEVEL_CODES[level];
    crops.push({
      level,
      hu: sampleCrop(volume, (o) => hu[o]!, grid, -1000),
      mask: sampleCrop(volume, (o) => (labels[o] === code ? 1 : 0), grid, 0),
    });
  }
  return { caseId: c.caseId, patientId: c.patientId, coronal, coronalCentres, sagittal, sagittalCentres, crops };
}
