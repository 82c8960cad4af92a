import type { Point3, Vector3 } from '../../../core/geometry.js';
import type { VolumeGrid } from '../../../imaging/volume/volume-grid.js';
import { symmetricEigen } from '../../../registration/symmetric-eigen.js';
import { median } from '../../../stats/descriptive.js';

/** The PF region ends this far below the lesser trochanter, mm (openbmd's choice; see docs/hip.md). */
export const BELOW_LESSER_TROCHANTER_MM = 10;
/** Shaft sections this much larger than the shaft below are the trochanteric region. */
const TROCHANTER_AREA_RATIO = 1.1;
/** Sections within this ratio of the shaft's are shaft. */
const SHAFT_AREA_TOLERANCE = 1.03;
/** The shaft's axis is fitted to the femur this far below the head centre, mm. */
const SHAFT_BELOW_HEAD_MM = 70;
const MIN_SHAFT_MM = 30;
const SLAB_MM = 2;

export interface ProximalFemurRegion {
  /** 1 in the PF region. */
  mask: Uint8Array;
  voxels: number;
  /** Unit vector down the shaft (toward the knee). */
  shaftDown: Vector3;
  /** The lesser trochanter's distal end and the cut, mm below the head centre along the shaft; NaN when not found. */
  lesserTrochanterMm: number;
  cutMm: number;
  /** Why the region may be incomplete. */
  notes: string[];
}

/**
 * The proximal femur (head, neck, trochanters) of the femur labelled `femurLabel`: above a plane across the shaft
 * BELOW_LESSER_TROCHANTER_MM below the lesser trochanter. The shaft's axis is the principal axis of
 * the femur well below the head; walking up it, the lesser trochanter begins where the cross-section
 * grows past TROCHANTER_AREA_RATIO times the shaft's. Positions are mm from voxel (0, 0, 0).
 */
export function proximalFemurRegion(o: { grid: VolumeGrid; labels: Uint8Array; femurLabel: number; headCentreMm: Point3 }): ProximalFemurRegion {
  const { grid, labels, femurLabel, headCentreMm: h } = o;
  const [nx, ny] = grid.size;
  const [sx, sy, sz] = grid.spacingMm;
  const position = (p: number): Point3 => [(p % nx) * sx, (Math.floor(p / nx) % ny) * sy, Math.floor(p / (nx * ny)) * sz];
  const notes: string[] = [];
  const shaft: Point3[] = [];
  const all: number[] = [];
  for (let p = 0; p < labels.length; p++) {
    if (labels[p] !== femurLabel) continue;
    all.push(p);
    const q = position(p);
    if (h[2] - q[2] > SHAFT_BELOW_HEAD_MM) shaft.push(q);
  }
  let shaftDown: Vector3 = [0, 0, -1];
  // A loop, not Math.max(...): a fine CT's shaft holds more voxels than a call may take arguments.
  let zLow = Infinity;
  let zHigh = -Infinity;
  for (const q of shaft) {
    zLow = Math.min(zLow, q[2]);
    zHigh = Math.max(zHigh, q[2]);
  }
  const shaftLengthMm = shaft.length === 0 ? 0 : zHigh - zLow;
  if (shaftLengthMm >= MIN_SHAFT_MM) shaftDown = principalAxis(shaft);
  else notes.push('too little femoral shaft in the field to fit its axis; the axis is taken as the body axis');
  // Each voxel's distance below the head centre along the shaft, then the section area per slab.
  const below = all.map((p) => {
    const q = position(p);
    return (q[0] - h[0]) * shaftDown[0] + (q[1] - h[1]) * shaftDown[1] + (q[2] - h[2]) * shaftDown[2];
  });
  let maxT = 0;
  for (const t of below) maxT = Math.max(maxT, t);
  const slabs = Math.floor(maxT / SLAB_MM) + 1;
  const area = new Float64Array(slabs);
  for (const t of below) if (t >= 0) area[Math.floor(t / SLAB_MM)]! += (sx * sy * sz) / SLAB_MM;
  // The bottom slab is cut by the field's edge; the shaft's own area is the median of the 40 mm above it.
  const shaftSlabs = Array.from(area.slice(Math.max(0, slabs - 1 - 20), slabs - 1)).filter((a) => a > 0);
  let lesserTrochanterMm = NaN;
  let cutMm = Infinity;
  if (shaftLengthMm >= MIN_SHAFT_MM && shaftSlabs.length >= 5) {
    const shaftArea = median(shaftSlabs);
    // Walk up from the shaft to the first run of three slabs above the ratio, then back down the
    // bump's flank to where the section returns to the shaft's: the trochanter's distal end.
    const above = (s: number, ratio: number): boolean => area[s]! > ratio * shaftArea;
    for (let s = slabs - 2; s >= 2; s--) {
      if (above(s, TROCHANTER_AREA_RATIO) && above(s - 1, TROCHANTER_AREA_RATIO) && above(s - 2, TROCHANTER_AREA_RATIO)) {
        let foot = s;
        while (foot + 1 < slabs - 1 && above(foot + 1, SHAFT_AREA_TOLERANCE)) foot++;
        lesserTrochanterMm = (foot + 1) * SLAB_MM;
        break;
      }
    }
    if (Number.isFinite(lesserTrochanterMm)) cutMm = lesserTrochanterMm + BELOW_LESSER_TROCHANTER_MM;
    else notes.push('no lesser trochanter found along the shaft; the region keeps the whole femur in the field');
  } else notes.push('the field ends above the lesser trochanter; the region keeps the whole femur in the field (incomplete)');
  const mask = new Uint8Array(labels.length);
  let voxels = 0;
  all.forEach((p, n) => {
    if (below[n]! > cutMm) return;
    mask[p] = 1;
    voxels++;
  });
  return { mask, voxels, shaftDown, lesserTrochanterMm, cutMm: Number.isFinite(cutMm) ? cutMm : NaN, notes };
}

/** The principal axis of a point set, pointing down (negative z). */
function principalAxis(points: Point3[]): Vector3 {
  const mean = [0, 1, 2].map((a) => points.reduce((s, q) => s + q[a]!, 0) / points.length);
  const cov = [0, 1, 2].map(() => [0, 0, 0]);
  for (const q of points) {
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cov[a]![b]! += (q[a]! - mean[a]!) * (q[b]! - mean[b]!);
  }
  const { values, vectors } = symmetricEigen(cov);
  let best = 0;
  for (let e = 1; e < 3; e++) if (values[e]! > values[best]!) best = e;
  const v: Vector3 = [vectors[0]![best]!, vectors[1]![best]!, vectors[2]![best]!];
  return v[2] > 0 ? [-v[0], -v[1], -v[2]] : v;
}
