import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenBmdError } from '../core/errors.js';
import { createVolume3D } from '../core/volume3d.js';
import type { CtCoverageNeed } from '../io/ct-volume/read-ct-volume.js';
import { readCtNiftiVolume, readCtSeriesFolder } from '../io/ct-volume/read-ct-volume.js';
import { isNiftiPath, writeNifti } from '../io/nifti.js';
import { writeRgbPng } from '../io/write-png.js';
import { loadHipCtSide } from '../pipelines/hip/index.js';

/** The femoral head and neck span about 60 mm; a shorter volume cannot hold them. */
const HIP_COVERAGE: CtCoverageNeed = { minCoverageMm: 60, minSlices: 12, reason: 'to hold the femoral head and neck' };

export interface HipCtRunResult {
  files: string[];
  lines: string[];
}

/**
 * `openbmd hip-ct` (the driver): femora, other bone and each proximal-femur region of a CT of the hips, from
 * the CT alone; writes hip-labels.nii.gz (the canonical grid), hip-labels.png (AP overview) and
 * hip-ct.json (per femur: head centre, joint radius, volumes, the PF region's cut, notes).
 */
export async function runHipCt(o: { input: string; outDir: string }): Promise<HipCtRunResult> {
  let isFile: boolean;
  try {
    isFile = statSync(o.input).isFile();
  } catch {
    throw new OpenBmdError('FILE_NOT_FOUND', 'no such file or folder', { file: o.input });
  }
  if (isFile && !isNiftiPath(o.input)) throw new OpenBmdError('UNSUPPORTED', 'give a CT series folder or a NIfTI volume (.nii, .nii.gz)', { file: o.input });
  const series = isFile ? await readCtNiftiVolume(o.input, HIP_COVERAGE) : await readCtSeriesFolder(o.input, HIP_COVERAGE);
  const volume = series.volume;
  const { BELOW_LESSER_TROCHANTER_MM, BONE_HU, hipCtOverview, segmentHipCt } = await loadHipCtSide();
  const started = performance.now();
  const seg = segmentHipCt(volume, o.input);
  const voxelCm3 = (volume.spacingMm[0] * volume.spacingMm[1] * volume.spacingMm[2]) / 1000;
  const femurs: Record<string, unknown> = {};
  const lines: string[] = [];
  for (const side of ['right', 'left'] as const) {
    const f = seg.sides[side].finding;
    const pf = seg.sides[side].proximalFemur;
    femurs[side] = {
      found: f.found,
      notes: [...f.notes, ...(pf?.notes ?? [])],
      headCentreMm: f.headCentreMm?.map(round2) ?? null,
      jointRadiusMm: Number.isFinite(f.jointRadiusMm) ? round2(f.jointRadiusMm) : null,
      jointFoundBy: f.jointFoundBy ?? null,
      femurCm3: round2(f.femurVoxels * voxelCm3),
      metalCm3: round2(f.metalCm3),
      proximalFemur:
        pf === undefined
          ? null
          : {
              cm3: round2(pf.voxels * voxelCm3),
              shaftDown: pf.shaftDown.map((v) => Math.round(v * 1e4) / 1e4),
              lesserTrochanterBelowHeadMm: Number.isFinite(pf.lesserTrochanterMm) ? pf.lesserTrochanterMm : null,
              cutBelowHeadMm: Number.isFinite(pf.cutMm) ? pf.cutMm : null,
            },
    };
    lines.push(
      f.found
        ? `${side} femur: head at ${f.headCentreMm!.map((v) => v.toFixed(0)).join(', ')} mm (LPS), joint radius ${f.jointRadiusMm.toFixed(1)} mm (${f.jointFoundBy}); femur ${(f.femurVoxels * voxelCm3).toFixed(0)} cm3; PF region ${(pf!.voxels * voxelCm3).toFixed(0)} cm3${pf!.notes.length + f.notes.length > 0 ? `; ${[...f.notes, ...pf!.notes].join('; ')}` : ''}`
        : `${side} femur: not segmented (${f.notes.join('; ')})`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  mkdirSync(o.outDir, { recursive: true });
  const labelsFile = join(o.outDir, 'hip-labels.nii.gz');
  await writeNifti(
    labelsFile,
    createVolume3D({ data: seg.labels, size: volume.size, spacingMm: volume.spacingMm, originMm: volume.originMm, direction: volume.direction, unit: 'label' }),
    'openbmd hip-ct: 1 other bone, 2 left femur, 3 right femur, 4 left PF, 5 right PF',
  );
  const overview = hipCtOverview(volume, seg.labels);
  const pngFile = join(o.outDir, 'hip-labels.png');
  await writeRgbPng(pngFile, overview.rgb, overview.columns, overview.rows);
  const jsonFile = join(o.outDir, 'hip-ct.json');
  const description = {
    input: o.input,
    volume: { size: volume.size, spacingMm: volume.spacingMm, note: 'labels lie on the canonical grid (axes flipped to run left, posterior, superior)' },
    labels: {
      '1': 'other bone (pelvis, sacrum, spine)',
      '2': 'left femur outside the PF region',
      '3': 'right femur outside the PF region',
      '4': 'left proximal femur',
      '5': 'right proximal femur',
    },
    method: {
      bone: `smoothed HU >= ${BONE_HU}, slice-wise hole filling`,
      head: 'sphere centre by Hough voting of bone edges (head surface and socket), joint radius from the spherical mean HU profile',
      split: 'marker watershed on HU between femur (head core, lowest shaft section) and pelvis markers; closed, filled, surface at half maximum',
      proximalFemur: `femur above a plane across the shaft ${BELOW_LESSER_TROCHANTER_MM} mm below the lesser trochanter (where the section grows past the shaft's)`,
    },
    femurs,
    qcFlags: series.qcFlags,
    seconds: Math.round(seconds * 100) / 100,
  };
  writeFileSync(jsonFile, `${JSON.stringify(description, null, 2)}\n`);
  return { files: [labelsFile, pngFile, jsonFile], lines };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
