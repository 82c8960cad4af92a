import type { Point3 } from '../../core/geometry.js';
import type { Volume3D } from '../../core/volume3d.js';
import type { RayGrid } from './siddon-ray-sum.js';

/** A volume ready to be cast through: per-voxel values and the map from the patient frame to its grid frame. */
export interface DrrVolume {
  grid: RayGrid;
  /** Patient-frame point (mm) -> grid frame (voxel (i, j, k) spans [i, i + 1) ...). */
  toGridFrame: (pointMm: Point3) => Point3;
}

/**
 * The grid frame of a volume: index = D^T (p - origin) / spacing, shifted by half a voxel so that
 * voxel centres sit at i + 0.5 (the voxel is the box around its centre). Assumes an orthonormal
 * direction matrix, as every volume openbmd reads has.
 */
export function drrVolume(o: { volume: Volume3D; values: Float32Array }): DrrVolume {
  const { volume } = o;
  const d = volume.direction;
  const [sx, sy, sz] = volume.spacingMm;
  const [ox, oy, oz] = volume.originMm;
  return {
    grid: { values: o.values, size: volume.size, spacingMm: volume.spacingMm },
    toGridFrame: (p) => {
      const x = p[0] - ox;
      const y = p[1] - oy;
      const z = p[2] - oz;
      return [(d[0] * x + d[3] * y + d[6] * z) / sx + 0.5, (d[1] * x + d[4] * y + d[7] * z) / sy + 0.5, (d[2] * x + d[5] * y + d[8] * z) / sz + 0.5];
    },
  };
}
