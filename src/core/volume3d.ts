import type { Matrix3, Point3 } from './geometry.js';
import { IDENTITY_DIRECTION } from './geometry.js';
import { OpenBmdError } from './errors.js';
import type { PixelArray } from './pixel-array.js';
import type { ValueUnit } from './value-unit.js';

/**
 * A 3-D scalar volume with physical geometry. Index (i, j, k) = (column, row, slice); offset
 * = i + columns * (j + rows * k). See docs/conventions.md.
 */
export interface Volume3D {
  readonly data: PixelArray;
  /** [columns, rows, slices] */
  readonly size: readonly [number, number, number];
  /** Spacing along i, j, k in mm. */
  readonly spacingMm: readonly [number, number, number];
  /** Patient-frame position of the centre of voxel (0, 0, 0), mm. */
  readonly originMm: Point3;
  /** Columns are the patient-frame directions of +i, +j, +k. */
  readonly direction: Matrix3;
  readonly unit: ValueUnit;
}

export interface CreateVolume3DOptions {
  data: PixelArray;
  size: readonly [number, number, number];
  spacingMm: readonly [number, number, number];
  originMm?: Point3;
  direction?: Matrix3;
  unit: ValueUnit;
}

export function createVolume3D(options: CreateVolume3DOptions): Volume3D {
  const [nx, ny, nz] = options.size;
  for (const n of options.size) {
    if (!Number.isInteger(n) || n <= 0) {
      throw new OpenBmdError('BAD_ARGUMENT', `volume size must be positive integers, got ${options.size.join('x')}`);
    }
  }
  if (options.data.length !== nx * ny * nz) {
    throw new OpenBmdError('INCONSISTENT', `volume data has ${options.data.length} values, size ${nx}x${ny}x${nz} needs ${nx * ny * nz}`);
  }
  for (const s of options.spacingMm) {
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new OpenBmdError('BAD_ARGUMENT', `voxel spacing must be positive and finite, got ${options.spacingMm.join(', ')} mm`);
    }
  }
  return {
    data: options.data,
    size: [nx, ny, nz],
    spacingMm: [options.spacingMm[0], options.spacingMm[1], options.spacingMm[2]],
    originMm: options.originMm ?? [0, 0, 0],
    direction: options.direction ?? IDENTITY_DIRECTION,
    unit: options.unit,
  };
}

export function voxelOffset(volume: Volume3D, i: number, j: number, k: number): number {
  return i + volume.size[0] * (j + volume.size[1] * k);
}

/** Patient-frame position (mm) of continuous index (i, j, k). */
export function volumeIndexToPointMm(volume: Volume3D, i: number, j: number, k: number): Point3 {
  const d = volume.direction;
  const u = i * volume.spacingMm[0];
  const v = j * volume.spacingMm[1];
  const w = k * volume.spacingMm[2];
  return [
    volume.originMm[0] + d[0] * u + d[1] * v + d[2] * w,
    volume.originMm[1] + d[3] * u + d[4] * v + d[5] * w,
    volume.originMm[2] + d[6] * u + d[7] * v + d[8] * w,
  ];
}

/**
 * Continuous index of a patient-frame point. Assumes an orthonormal direction matrix (true for
 * every volume openbmd builds: gantry-tilted series are rejected).
 */
export function volumePointMmToIndex(volume: Volume3D, point: Point3): Point3 {
  const d = volume.direction;
  const p = [point[0] - volume.originMm[0], point[1] - volume.originMm[1], point[2] - volume.originMm[2]] as const;
  return [
    (d[0] * p[0] + d[3] * p[1] + d[6] * p[2]) / volume.spacingMm[0],
    (d[1] * p[0] + d[4] * p[1] + d[7] * p[2]) / volume.spacingMm[1],
    (d[2] * p[0] + d[5] * p[1] + d[8] * p[2]) / volume.spacingMm[2],
  ];
}
