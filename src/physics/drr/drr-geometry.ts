import { OpenBmdError } from '../../core/errors.js';
import type { Point3, Vector3 } from '../../core/geometry.js';
import { cross, dot, norm, normalize, pointAlong } from '../../core/geometry.js';

/**
 * A point source and a flat detector in the patient frame (LPS, mm), described as radiotherapy
 * DRR tools describe them (plastimatch's `drr` takes the same quantities): the source lies
 * `sourceToIsocenterMm` from the isocenter along `towardSource`; the detector plane is
 * perpendicular to it, `sourceToDetectorMm` from the source on the other side of the isocenter;
 * `up` points from the detector's centre toward its first row; columns run along up x towardSource
 * (left to right as seen from the source).
 */
export interface DrrGeometry {
  sourceToIsocenterMm: number;
  sourceToDetectorMm: number;
  isocenterMm: Point3;
  /** Unit vector from the isocenter toward the source. */
  towardSource: Vector3;
  /** Toward the detector's first row (made perpendicular to towardSource). */
  up: Vector3;
  rows: number;
  columns: number;
  /** Detector pixel pitch [between rows, between columns], mm. */
  pixelMm: readonly [number, number];
  /** Where the source's central ray meets the detector, [row, column] in pixels; default the middle. */
  centrePx?: readonly [number, number];
}

/** The geometry resolved into the source and each pixel's centre: pixel (r, c) = firstPixel + r rowStep + c columnStep. */
export interface DrrRays {
  sourceMm: Point3;
  firstPixelMm: Point3;
  rowStepMm: Vector3;
  columnStepMm: Vector3;
  rows: number;
  columns: number;
}

const PARALLEL_TOLERANCE = 1e-6;

export function drrRays(g: DrrGeometry): DrrRays {
  if (!(g.sourceToIsocenterMm > 0) || !(g.sourceToDetectorMm > g.sourceToIsocenterMm))
    throw new OpenBmdError(
      'BAD_ARGUMENT',
      `the source must be in front of the isocenter and the detector behind it (source to isocenter ${g.sourceToIsocenterMm} mm, source to detector ${g.sourceToDetectorMm} mm)`,
    );
  if (!Number.isInteger(g.rows) || !Number.isInteger(g.columns) || g.rows < 1 || g.columns < 1 || g.rows * g.columns > 16_777_216)
    throw new OpenBmdError('BAD_ARGUMENT', `the detector must have 1 to 16,777,216 pixels, got ${g.rows} x ${g.columns}`);
  if (!g.pixelMm.every((p) => Number.isFinite(p) && p > 0))
    throw new OpenBmdError('BAD_ARGUMENT', `pixel pitch must be positive, got ${g.pixelMm.join(', ')} mm`);
  const normal = normalize(g.towardSource);
  if (norm(g.towardSource) === 0) throw new OpenBmdError('BAD_ARGUMENT', 'the direction toward the source is the zero vector');
  // Up made perpendicular to the beam (Gram-Schmidt).
  const along = dot(g.up, normal);
  const up = normalize([g.up[0] - along * normal[0], g.up[1] - along * normal[1], g.up[2] - along * normal[2]]);
  if (norm(g.up) === 0 || Math.abs(along) / norm(g.up) > 1 - PARALLEL_TOLERANCE)
    throw new OpenBmdError('BAD_ARGUMENT', "the detector's up direction is parallel to the beam");
  const right = cross(up, normal);
  const sourceMm = pointAlong(g.isocenterMm, normal, g.sourceToIsocenterMm);
  const detectorCentreMm = pointAlong(sourceMm, normal, -g.sourceToDetectorMm);
  const [centreRow, centreColumn] = g.centrePx ?? [(g.rows - 1) / 2, (g.columns - 1) / 2];
  const rowStepMm: Vector3 = [-up[0] * g.pixelMm[0], -up[1] * g.pixelMm[0], -up[2] * g.pixelMm[0]];
  const columnStepMm: Vector3 = [right[0] * g.pixelMm[1], right[1] * g.pixelMm[1], right[2] * g.pixelMm[1]];
  const firstPixelMm: Point3 = [
    detectorCentreMm[0] - centreRow * rowStepMm[0] - centreColumn * columnStepMm[0],
    detectorCentreMm[1] - centreRow * rowStepMm[1] - centreColumn * columnStepMm[1],
    detectorCentreMm[2] - centreRow * rowStepMm[2] - centreColumn * columnStepMm[2],
  ];
  return { sourceMm, firstPixelMm, rowStepMm, columnStepMm, rows: g.rows, columns: g.columns };
}
