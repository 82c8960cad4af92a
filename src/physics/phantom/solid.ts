import type { Matrix3, Point3, Vector3 } from '../../core/geometry.js';

/**
 * A convex solid of the digital phantom, in its own frame (rotation columns = local x, y, z axes
 * in the patient frame, mm):
 * - ellipsoid: (x/a)^2 + (y/b)^2 + (z/c)^2 <= 1
 * - tube: an elliptic tube along local z, |z| <= c, whose semi-axes scale by (1 + taper * z / c)
 *   (taper 0 is a cylinder; a tapered tube is a truncated elliptic cone, still a quadric)
 * - box: |x| <= a, |y| <= b, |z| <= c
 * Clip planes (local normal n, offset d: keep n.p <= d) cut it further. The region says what the
 * solid is made of; where solids overlap, the higher priority wins.
 */
export interface Solid {
  readonly shape: 'ellipsoid' | 'tube' | 'box';
  readonly centerMm: Point3;
  readonly rotation: Matrix3;
  readonly semiAxesMm: readonly [number, number, number];
  readonly taper?: number;
  readonly clipPlanes?: readonly ClipPlane[];
  readonly region: number;
  readonly priority: number;
}

export interface ClipPlane {
  readonly normal: Vector3;
  readonly offsetMm: number;
}

/** Rotation about the patient-frame axis by an angle (radians), as a direction matrix. */
export function rotationAbout(axis: 'x' | 'y' | 'z', radians: number): Matrix3 {
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  if (axis === 'x') return [1, 0, 0, 0, c, -s, 0, s, c];
  if (axis === 'y') return [c, 0, s, 0, 1, 0, -s, 0, c];
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

export function multiplyRotations(a: Matrix3, b: Matrix3): Matrix3 {
  const out: Matrix3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
  return out;
}

/** A rotation that takes local +z to the given direction (local x stays as close to `xHint` as it can). */
export function rotationAlong(zAxis: Vector3, xHint: Vector3): Matrix3 {
  const z = normalise(zAxis);
  const hintDotZ = xHint[0] * z[0] + xHint[1] * z[1] + xHint[2] * z[2];
  const x = normalise([xHint[0] - hintDotZ * z[0], xHint[1] - hintDotZ * z[1], xHint[2] - hintDotZ * z[2]]);
  const y: Vector3 = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
  return [x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]];
}

function normalise(v: Vector3): Vector3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Patient-frame axis-aligned bounds of a solid (conservative for clipped solids). */
export function solidBoundsMm(solid: Solid): { min: Point3; max: Point3 } {
  const [a, b, c] = solid.semiAxesMm;
  const grow = solid.shape === 'tube' ? 1 + Math.abs(solid.taper ?? 0) : 1;
  const min: Point3 = [Infinity, Infinity, Infinity];
  const max: Point3 = [-Infinity, -Infinity, -Infinity];
  for (const sx of [-1, 1]) {
    for (const sy of [-1, 1]) {
      for (const sz of [-1, 1]) {
        const local: Vector3 = [sx * a * grow, sy * b * grow, sz * c];
        for (let r = 0; r < 3; r++) {
          const r0 = solid.rotation[r * 3]!;
          const r1 = solid.rotation[r * 3 + 1]!;
          const r2 = solid.rotation[r * 3 + 2]!;
          const w = solid.centerMm[r]! + r0 * local[0] + r1 * local[1] + r2 * local[2];
          if (w < min[r]!) min[r] = w;
          if (w > max[r]!) max[r] = w;
        }
      }
    }
  }
  return { min, max };
}
