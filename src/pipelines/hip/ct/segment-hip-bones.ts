import type { Volume3D } from '../../../core/volume3d.js';
import { OpenBmdError } from '../../../core/errors.js';
import { connectedComponents3D, largestComponent3D } from '../../../imaging/volume/connected-components-3d.js';
import { fillSliceHoles } from '../../../imaging/volume/fill-slice-holes.js';
import { gaussianSmooth3D } from '../../../imaging/volume/gaussian-smooth-3d.js';
import type { VolumeGrid } from '../../../imaging/volume/volume-grid.js';
import type { FemurFinding, HipSide } from './segment-femur.js';
import { segmentFemur } from './segment-femur.js';

/** Label values of openbmd's hip-bone segmentation (docs/hip.md). */
export const HIP_BONE_LABEL = { otherBone: 1, leftFemur: 2, rightFemur: 3, leftProximalFemur: 4, rightProximalFemur: 5 } as const;

/**
 * Bone in CT: the trabecular bone of an osteoporotic femoral head reads about 100-250 HU, muscle
 * and cartilage below about 100 HU; slice-wise filling takes the fatty marrow inside a cortex.
 */
export const BONE_HU = 150;
const SMOOTH_SIGMA_MM = 1;
/** Bone components smaller than this are noise or calcification, cm3. */
const MIN_BONE_COMPONENT_CM3 = 1;
/** The body: everything denser than lung and air, HU. */
export const BODY_HU = -400;

export interface HipBoneSegmentation {
  /** Per voxel of the canonical volume: 0 background, 1 other bone, 2 left femur, 3 right femur. */
  labels: Uint8Array;
  femurs: Record<HipSide, FemurFinding>;
}

/**
 * Femora and the other bone (pelvis, sacrum, spine) in a CT of the hips, without masks supplied:
 * the body (largest component above BODY_HU), bone (smoothed HU above BONE_HU, slice-filled, small
 * components dropped), and each femur on its side of the body's midline (`segmentFemur`). The volume
 * must be canonical (+i left, +j posterior, +k superior: `canonicalVolume`).
 */
export function segmentHipBones(volume: Volume3D, file: string): HipBoneSegmentation {
  const d = volume.direction;
  if (!(d[0] > 0.9 && d[4] > 0.9 && d[8] > 0.9)) throw new OpenBmdError('INTERNAL', 'segmentHipBones needs a canonical volume', { file });
  const grid: VolumeGrid = { size: volume.size, spacingMm: volume.spacingMm };
  const [nx] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const smooth = gaussianSmooth3D(grid, volume.data, SMOOTH_SIGMA_MM);
  const body = largestComponent3D(grid, threshold(smooth, BODY_HU));
  if (body === undefined) throw new OpenBmdError('INVALID_VALUE', `no body in the CT (nothing above ${BODY_HU} HU)`, { file });
  let xSum = 0;
  let n = 0;
  for (let p = 0; p < body.length; p++) {
    if (body[p] === 0) continue;
    xSum += p % nx;
    n++;
  }
  const midlineI = xSum / n;
  const bone = fillSliceHoles(grid, threshold(smooth, BONE_HU, body));
  const parts = connectedComponents3D(grid, bone);
  const minVoxels = (MIN_BONE_COMPONENT_CM3 * 1000) / (sx * sy * sz);
  for (let p = 0; p < bone.length; p++) {
    const c = parts.labels[p]!;
    if (c > 0 && parts.sizes[c - 1]! < minVoxels) bone[p] = 0;
  }
  const labels = new Uint8Array(bone.length);
  for (let p = 0; p < bone.length; p++) if (bone[p] !== 0) labels[p] = HIP_BONE_LABEL.otherBone;
  const femurs = {} as Record<HipSide, FemurFinding>;
  for (const side of ['right', 'left'] as const) {
    // LPS: the patient's left is +x, so the left half has i above the midline.
    const inHalf = (i: number): boolean => (side === 'left' ? i > midlineI : i < midlineI);
    const { femur, finding } = segmentFemur({ grid, originMm: volume.originMm, smoothHu: smooth, hu: volume.data, bone, side, inHalf, midlineI });
    femurs[side] = finding;
    if (femur === undefined) continue;
    const label = side === 'left' ? HIP_BONE_LABEL.leftFemur : HIP_BONE_LABEL.rightFemur;
    for (let p = 0; p < femur.length; p++) if (femur[p] !== 0) labels[p] = label;
  }
  return { labels, femurs };
}

function threshold(values: Float32Array, level: number, within?: Uint8Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let p = 0; p < values.length; p++) out[p] = values[p]! >= level && (within === undefined || within[p] !== 0) ? 1 : 0;
  return out;
}
