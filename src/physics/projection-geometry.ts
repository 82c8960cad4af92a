import type { Point3, Vector3 } from '../core/geometry.js';
import type { RayGrid } from './phantom/ray-caster.js';

/**
 * A flat detector and a point source (or a parallel beam when sourceMm is undefined): pixel (i, j)
 * is at detectorOriginMm + i * spacing * uAxis + j * spacing * vAxis; rays run from the source
 * (or from far along the detector normal) to the pixel centre.
 */
export interface ProjectionGeometry {
  readonly columns: number;
  readonly rows: number;
  readonly pixelSpacingMm: number;
  readonly detectorOriginMm: Point3;
  readonly uAxis: Vector3;
  readonly vAxis: Vector3;
  /** Unit normal pointing from the detector towards the source. */
  readonly normal: Vector3;
  readonly sourceMm?: Point3;
}

/** The rays of a projection; parallel rays start 2 m in front of the detector. */
export function projectionRays(g: ProjectionGeometry): RayGrid {
  const s = g.pixelSpacingMm;
  const o = g.detectorOriginMm;
  const pixel = (i: number, j: number): Point3 => [
    o[0] + s * (i * g.uAxis[0] + j * g.vAxis[0]),
    o[1] + s * (i * g.uAxis[1] + j * g.vAxis[1]),
    o[2] + s * (i * g.uAxis[2] + j * g.vAxis[2]),
  ];
  const source = g.sourceMm;
  return {
    columns: g.columns,
    rows: g.rows,
    ray(i, j, out) {
      const p = pixel(i, j);
      if (source === undefined) {
        out[0] = p[0] + 2000 * g.normal[0];
        out[1] = p[1] + 2000 * g.normal[1];
        out[2] = p[2] + 2000 * g.normal[2];
        out[3] = -2000 * g.normal[0];
        out[4] = -2000 * g.normal[1];
        out[5] = -2000 * g.normal[2];
      } else {
        out[0] = source[0];
        out[1] = source[1];
        out[2] = source[2];
        out[3] = p[0] - source[0];
        out[4] = p[1] - source[1];
        out[5] = p[2] - source[2];
      }
    },
    toGrid(x, y, z) {
      return projectPointToDetector(g, [x, y, z]);
    },
  };
}

/** Continuous pixel position (i, j) where a patient-frame point is imaged. */
export function projectPointToDetector(g: ProjectionGeometry, p: Point3): [number, number] {
  let q: Point3 = p;
  const source = g.sourceMm;
  const o = g.detectorOriginMm;
  const n = g.normal;
  if (source !== undefined) {
    // Intersect source -> p with the detector plane.
    const sd = (source[0] - o[0]) * n[0] + (source[1] - o[1]) * n[1] + (source[2] - o[2]) * n[2];
    const pd = (p[0] - o[0]) * n[0] + (p[1] - o[1]) * n[1] + (p[2] - o[2]) * n[2];
    const t = sd / (sd - pd);
    q = [source[0] + t * (p[0] - source[0]), source[1] + t * (p[1] - source[1]), source[2] + t * (p[2] - source[2])];
  }
  const d: Vector3 = [q[0] - o[0], q[1] - o[1], q[2] - o[2]];
  return [
    (d[0] * g.uAxis[0] + d[1] * g.uAxis[1] + d[2] * g.uAxis[2]) / g.pixelSpacingMm,
    (d[0] * g.vAxis[0] + d[1] * g.vAxis[1] + d[2] * g.vAxis[2]) / g.pixelSpacingMm,
  ];
}

/** The same detector seen by a parallel beam (the DXA pencil-beam geometry used for ground truth). */
export function parallelVersion(g: ProjectionGeometry): ProjectionGeometry {
  return {
    columns: g.columns,
    rows: g.rows,
    pixelSpacingMm: g.pixelSpacingMm,
    detectorOriginMm: g.detectorOriginMm,
    uAxis: g.uAxis,
    vAxis: g.vAxis,
    normal: g.normal,
  };
}

/** The part of a detector from pixel (i0, j0) to (i1, j1) inclusive, as a detector of its own. */
export function detectorWindow(g: ProjectionGeometry, i0: number, j0: number, i1: number, j1: number): ProjectionGeometry {
  const s = g.pixelSpacingMm;
  const o = g.detectorOriginMm;
  const shift = (k: 0 | 1 | 2): number => o[k] + s * (i0 * g.uAxis[k] + j0 * g.vAxis[k]);
  return { ...g, columns: i1 - i0 + 1, rows: j1 - j0 + 1, detectorOriginMm: [shift(0), shift(1), shift(2)] };
}
