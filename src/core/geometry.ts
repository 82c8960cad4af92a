/** A point in an image, [x, y] pixels (column, row). */
export type Point2 = [number, number];

/** Points and directions in the DICOM patient frame (LPS: +x left, +y posterior, +z superior), mm. */
export type Point3 = [number, number, number];
export type Vector3 = [number, number, number];

/**
 * Direction cosines as three column vectors: column 0 is the patient-frame direction of
 * increasing index i (image columns), column 1 of index j (rows), column 2 of index k (slices).
 * Stored row-major: m[r * 3 + c].
 */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

export const IDENTITY_DIRECTION: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function dot(a: Vector3, b: Vector3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vector3, b: Vector3): Vector3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm(a: Vector3): number {
  return Math.sqrt(dot(a, a));
}

export function subtract(a: Vector3, b: Vector3): Vector3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/** The point `distanceMm` from `point` along `direction` (a unit vector for a distance in mm). */
export function pointAlong(point: Point3, direction: Vector3, distanceMm: number): Point3 {
  return [point[0] + distanceMm * direction[0], point[1] + distanceMm * direction[1], point[2] + distanceMm * direction[2]];
}

export function normalize(a: Vector3): Vector3 {
  const n = norm(a);
  return n === 0 ? [0, 0, 0] : [a[0] / n, a[1] / n, a[2] / n];
}

/** Direction matrix whose columns are the given axis vectors. */
export function directionFromAxes(iAxis: Vector3, jAxis: Vector3, kAxis: Vector3): Matrix3 {
  return [iAxis[0], jAxis[0], kAxis[0], iAxis[1], jAxis[1], kAxis[1], iAxis[2], jAxis[2], kAxis[2]];
}

export function directionColumn(direction: Matrix3, column: 0 | 1 | 2): Vector3 {
  return [direction[column], direction[3 + column]!, direction[6 + column]!];
}
