import type { Point3, Vector3 } from '../core/geometry.js';
import type { DrrRays } from '../physics/drr/drr-geometry.js';

/**
 * A rigid motion of a CT about a centre: rotations about the patient frame's x, y and z axes
 * (degrees, applied in that order) and a translation (mm): p' = R (p - centre) + centre + t.
 */
export interface RigidPose {
  rotationDeg: readonly [number, number, number];
  translationMm: readonly [number, number, number];
}

export const IDENTITY_POSE: RigidPose = { rotationDeg: [0, 0, 0], translationMm: [0, 0, 0] };

type Rotation = readonly [number, number, number, number, number, number, number, number, number];

/** R = Rz Ry Rx, row-major. */
export function poseRotation(pose: RigidPose): Rotation {
  const [ax, ay, az] = pose.rotationDeg.map((d) => (d * Math.PI) / 180) as [number, number, number];
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  return [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx, sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx, -sy, cy * sx, cy * cx];
}

function rotate(r: Rotation, v: readonly number[]): Vector3 {
  return [r[0] * v[0]! + r[1] * v[1]! + r[2] * v[2]!, r[3] * v[0]! + r[4] * v[1]! + r[5] * v[2]!, r[6] * v[0]! + r[7] * v[1]! + r[8] * v[2]!];
}

function rotateTransposed(r: Rotation, v: readonly number[]): Vector3 {
  return [r[0] * v[0]! + r[3] * v[1]! + r[6] * v[2]!, r[1] * v[0]! + r[4] * v[1]! + r[7] * v[2]!, r[2] * v[0]! + r[5] * v[1]! + r[8] * v[2]!];
}

/** Where the pose moves a point of the CT. */
export function movePoint(pose: RigidPose, centreMm: Point3, p: Point3): Point3 {
  const moved = rotate(poseRotation(pose), [p[0] - centreMm[0], p[1] - centreMm[1], p[2] - centreMm[2]]);
  return [moved[0] + centreMm[0] + pose.translationMm[0], moved[1] + centreMm[1] + pose.translationMm[1], moved[2] + centreMm[2] + pose.translationMm[2]];
}

/**
 * The rays that see the unmoved CT as the given rays see the moved one: the inverse motion applied
 * to the source and the detector, p = R^T (p' - centre - t) + centre. The CT is never resampled.
 */
export function raysSeeingPose(rays: DrrRays, pose: RigidPose, centreMm: Point3): DrrRays {
  const r = poseRotation(pose);
  const back = (p: Point3): Point3 => {
    const q = rotateTransposed(r, [
      p[0] - centreMm[0] - pose.translationMm[0],
      p[1] - centreMm[1] - pose.translationMm[1],
      p[2] - centreMm[2] - pose.translationMm[2],
    ]);
    return [q[0] + centreMm[0], q[1] + centreMm[1], q[2] + centreMm[2]];
  };
  return {
    ...rays,
    sourceMm: back(rays.sourceMm),
    firstPixelMm: back(rays.firstPixelMm),
    rowStepMm: rotateTransposed(r, rays.rowStepMm),
    columnStepMm: rotateTransposed(r, rays.columnStepMm),
  };
}

/** Where a patient-frame point falls on the detector, [row, column] (pixels), seen from the source. */
export function projectPoint(rays: DrrRays, p: Point3): [number, number] {
  const s = rays.sourceMm;
  const o = rays.firstPixelMm;
  const u = rays.rowStepMm;
  const v = rays.columnStepMm;
  // The detector plane's normal (row step x column step) and the ray's intersection with it.
  const n: Vector3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const d: Vector3 = [p[0] - s[0], p[1] - s[1], p[2] - s[2]];
  const t = (n[0] * (o[0] - s[0]) + n[1] * (o[1] - s[1]) + n[2] * (o[2] - s[2])) / (n[0] * d[0] + n[1] * d[1] + n[2] * d[2]);
  const hit: Vector3 = [s[0] + t * d[0] - o[0], s[1] + t * d[1] - o[1], s[2] + t * d[2] - o[2]];
  const uu = u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
  const vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
  return [(hit[0] * u[0] + hit[1] * u[1] + hit[2] * u[2]) / uu, (hit[0] * v[0] + hit[1] * v[1] + hit[2] * v[2]) / vv];
}
