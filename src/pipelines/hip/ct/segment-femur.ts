import type { Point3 } from '../../../core/geometry.js';
import { normalize } from '../../../core/geometry.js';
import type { VolumeGrid } from '../../../imaging/volume/volume-grid.js';
import { closeMm } from '../../../imaging/volume/distance-transform-3d.js';
import { fillSliceHoles } from '../../../imaging/volume/fill-slice-holes.js';
import { peelBelowHalfMaximum } from '../../../imaging/volume/peel-below-half-maximum.js';
import { seededFlood } from '../../../imaging/volume/seeded-flood.js';
import { findFemoralHead } from './femoral-head-sphere.js';
import { findJointRadius } from './joint-radius.js';
import { lowestFemurSection } from './lowest-femur-section.js';

export type HipSide = 'left' | 'right';

/** The head's core, this far inside the joint sphere, is femur without question, mm. */
const HEAD_CORE_MARGIN_MM = 6;
/** Inside the joint sphere, voxels this bright may be head (fatty marrow between trabeculae), HU. */
const HEAD_MARROW_HU = 60;
/** Bone this far above the joint sphere is ilium, mm. */
const ILIUM_ABOVE_HEAD_MM = 30;
/** Bone this far medial of the joint sphere is pelvis (the head is the femur's most medial part), mm. */
const MEDIAL_OF_HEAD_MM = 10;
/** The socket's marker: bone this deep beyond the joint shell, on the side away from the shaft, mm. */
const SOCKET_SEED_DEPTH_MM = 8;
/** Muscle and cartilage around the femur, HU (muscle about 40-60 HU). */
export const SOFT_TISSUE_HU = 40;
/** The head centre is this far from the midline at least (half the narrowest adult inter-head distance), mm. */
const MIN_HEAD_OFFSET_MM = 40;
/** Metal (a prosthesis) reads above bone's range (cortical bone up to about 2,000 HU). */
const METAL_HU = 2500;

export interface FemurFinding {
  side: HipSide;
  found: boolean;
  /** Why not found, or cautions (metal near the joint). */
  notes: string[];
  /** Head centre in the patient frame (mm); undefined when not found. */
  headCentreMm: Point3 | undefined;
  /** Joint sphere radius (mm) and how it was found. */
  jointRadiusMm: number;
  jointFoundBy: 'joint space' | 'head surface' | undefined;
  femurVoxels: number;
  /** Metal within 80 mm of the head centre, cm3. */
  metalCm3: number;
}

export interface FemurSearch {
  grid: VolumeGrid;
  /** Position of voxel (0, 0, 0), mm (canonical volume: +i left, +j posterior, +k superior). */
  originMm: Point3;
  smoothHu: Float32Array;
  hu: ArrayLike<number>;
  /** Bone mask (threshold, slice-filled). */
  bone: Uint8Array;
  side: HipSide;
  inHalf: (i: number) => boolean;
  midlineI: number;
}

/**
 * One femur: its lowest section in the field, its head (`findFemoralHead`) and joint sphere
 * (`findJointRadius`), then a watershed on the HU from markers: femur = the head's core and the
 * lowest section; other bone = the socket (just outside the joint sphere, on the side away from the
 * shaft), the bone far above the head (ilium), far medial of it (pubis, sacrum) and the other
 * regions of the lowest slice (ischium, pubis). Fronts meet at the darkest ridge between them: the
 * joint space where it shows, the thinnest contact otherwise. The femur is then closed, filled and
 * its surface put at the half-maximum edge. Returns the mask (1 = femur) and the finding.
 */
export function segmentFemur(s: FemurSearch): { femur: Uint8Array | undefined; finding: FemurFinding } {
  const { grid, bone } = s;
  const [nx, ny, nz] = grid.size;
  const [sx, sy, sz] = grid.spacingMm;
  const finding: FemurFinding = {
    side: s.side,
    found: false,
    notes: [],
    headCentreMm: undefined,
    jointRadiusMm: NaN,
    jointFoundBy: undefined,
    femurVoxels: 0,
    metalCm3: 0,
  };
  const section = lowestFemurSection({ grid, bone, inHalf: s.inHalf, midlineI: s.midlineI });
  if (section === undefined) {
    finding.notes.push('no femur section at the bottom of the field');
    return { femur: undefined, finding };
  }
  const centreAllowed = new Uint8Array(bone.length);
  for (let k = section.k + 1; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        if (bone[p] !== 0 && s.inHalf(i) && Math.abs(i - s.midlineI) * sx > MIN_HEAD_OFFSET_MM) centreAllowed[p] = 1;
      }
    }
  }
  const head = findFemoralHead({ grid, smoothHu: s.smoothHu, centreAllowed });
  if (head === undefined) {
    finding.notes.push('no femoral head found');
    return { femur: undefined, finding };
  }
  const centre = head.centreMm;
  const joint = findJointRadius({ grid, smoothHu: s.smoothHu, centreMm: centre });
  const rJoint = joint.radiusMm;
  finding.headCentreMm = [s.originMm[0] + centre[0], s.originMm[1] + centre[1], s.originMm[2] + centre[2]];
  finding.jointRadiusMm = rJoint;
  finding.jointFoundBy = joint.how;
  const shellMm = 1.5 * Math.max(sx, sy, sz);
  const femurLabel = 2;
  const otherLabel = 1;
  const towardShaft = normalize([section.centroidMm[0] - centre[0], section.centroidMm[1] - centre[1], section.centroidMm[2] - centre[2]]);
  const medialMm = (dx: number): number => (s.side === 'left' ? -dx : dx);
  const allowed = new Uint8Array(bone.length);
  const flood = new Uint8Array(bone.length);
  for (const p of section.offsets) flood[p] = femurLabel;
  let metal = 0;
  for (let p = 0; p < bone.length; p++) {
    const i = p % nx;
    if (!s.inHalf(i) || flood[p] !== 0) continue;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / (nx * ny));
    const v: Point3 = [i * sx - centre[0], j * sy - centre[1], k * sz - centre[2]];
    const r = Math.hypot(v[0], v[1], v[2]);
    if (r < 80 && Number(s.hu[p]) >= METAL_HU) metal++;
    if (r < rJoint - HEAD_CORE_MARGIN_MM) flood[p] = femurLabel;
    else if (bone[p] === 0) {
      if (r < rJoint && s.smoothHu[p]! >= HEAD_MARROW_HU) allowed[p] = 1;
    } else if (v[2] > rJoint + ILIUM_ABOVE_HEAD_MM || medialMm(v[0]) > rJoint + MEDIAL_OF_HEAD_MM || k === section.k) flood[p] = otherLabel;
    else if (r >= rJoint + shellMm && r < rJoint + shellMm + SOCKET_SEED_DEPTH_MM && v[0] * towardShaft[0] + v[1] * towardShaft[1] + v[2] * towardShaft[2] < 0)
      flood[p] = otherLabel;
    else allowed[p] = 1;
  }
  finding.metalCm3 = (metal * sx * sy * sz) / 1000;
  if (finding.metalCm3 > 0.5) finding.notes.push('metal near the hip joint (a prosthesis?)');
  seededFlood({ grid, labels: flood, height: s.smoothHu, allowed, stepHeight: 5 });
  const raw = new Uint8Array(bone.length);
  let count = 0;
  let high = 0;
  for (let p = 0; p < bone.length; p++) {
    if (flood[p] !== femurLabel) continue;
    raw[p] = 1;
    count++;
    if (Math.floor(p / (nx * ny)) * sz - centre[2] > rJoint + ILIUM_ABOVE_HEAD_MM / 2) high++;
  }
  // A femur reaching well above its head has flooded into the pelvis through a bridge.
  if (high > 0.02 * count) {
    finding.notes.push('the femur could not be separated from the pelvis');
    return { femur: undefined, finding };
  }
  // Closed and filled (a cortex thinner than the voxels leaves gaps in the threshold), then the
  // surface at the half-maximum edge; what the watershed gave the pelvis stays pelvis.
  const femur = fillSliceHoles(grid, closeMm(grid, raw, Math.max(4, 1.5 * Math.max(sx, sy, sz))));
  peelBelowHalfMaximum({ grid, mask: femur, values: s.smoothHu, surroundValue: SOFT_TISSUE_HU });
  count = 0;
  for (let p = 0; p < femur.length; p++) {
    if (femur[p] !== 0 && (!s.inHalf(p % nx) || (raw[p] === 0 && flood[p] === otherLabel))) femur[p] = 0;
    count += femur[p]!;
  }
  finding.found = true;
  finding.femurVoxels = count;
  return { femur, finding };
}
