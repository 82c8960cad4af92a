import type { Volume3D } from '../../../core/volume3d.js';
import type { ProximalFemurRegion } from './proximal-femur-region.js';
import { proximalFemurRegion } from './proximal-femur-region.js';
import type { FemurFinding, HipSide } from './segment-femur.js';
import { HIP_BONE_LABEL, segmentHipBones } from './segment-hip-bones.js';

export interface HipCtSide {
  finding: FemurFinding;
  proximalFemur: ProximalFemurRegion | undefined;
}

export interface HipCtSegmentation {
  /** Per voxel of the canonical volume: 0, 1 other bone, 2/3 left/right femur, 4/5 left/right PF region. */
  labels: Uint8Array;
  sides: Record<HipSide, HipCtSide>;
}

/**
 * A CT of the hips to its bones, from the CT alone: femora and other bone (`segmentHipBones`), then
 * each found femur's proximal-femur region (`proximalFemurRegion`), relabelled 4 (left) or 5
 * (right). The volume is canonical (+i left, +j posterior, +k superior).
 */
export function segmentHipCt(volume: Volume3D, file: string): HipCtSegmentation {
  const bones = segmentHipBones(volume, file);
  const grid = { size: volume.size, spacingMm: volume.spacingMm };
  const sides = {} as Record<HipSide, HipCtSide>;
  for (const side of ['right', 'left'] as const) {
    const finding = bones.femurs[side];
    let proximalFemur: ProximalFemurRegion | undefined;
    if (finding.found && finding.headCentreMm !== undefined) {
      const femurLabel = side === 'left' ? HIP_BONE_LABEL.leftFemur : HIP_BONE_LABEL.rightFemur;
      const h = finding.headCentreMm;
      const o = volume.originMm;
      proximalFemur = proximalFemurRegion({ grid, labels: bones.labels, femurLabel, headCentreMm: [h[0] - o[0], h[1] - o[1], h[2] - o[2]] });
      const pfLabel = side === 'left' ? HIP_BONE_LABEL.leftProximalFemur : HIP_BONE_LABEL.rightProximalFemur;
      for (let p = 0; p < proximalFemur.mask.length; p++) if (proximalFemur.mask[p] !== 0) bones.labels[p] = pfLabel;
    }
    sides[side] = { finding, proximalFemur };
  }
  return { labels: bones.labels, sides };
}
