import type { Point3 } from '../../core/geometry.js';
import type { VolumeGrid } from './volume-grid.js';

/** Trilinear value at a position given in mm from voxel (0, 0, 0)'s centre; clamped to the grid. */
export function sampleTrilinear(grid: VolumeGrid, values: ArrayLike<number>, pointMm: Point3): number {
  const [nx, ny, nz] = grid.size;
  const x = Math.min(nx - 1, Math.max(0, pointMm[0] / grid.spacingMm[0]));
  const y = Math.min(ny - 1, Math.max(0, pointMm[1] / grid.spacingMm[1]));
  const z = Math.min(nz - 1, Math.max(0, pointMm[2] / grid.spacingMm[2]));
  const i = Math.min(Math.max(0, nx - 2), Math.floor(x));
  const j = Math.min(Math.max(0, ny - 2), Math.floor(y));
  const k = Math.min(Math.max(0, nz - 2), Math.floor(z));
  const fx = x - i;
  const fy = y - j;
  const fz = z - k;
  const i1 = Math.min(nx - 1, i + 1);
  const j1 = Math.min(ny - 1, j + 1);
  const k1 = Math.min(nz - 1, k + 1);
  const at = (a: number, b: number, c: number): number => values[a + nx * (b + ny * c)]!;
  const c00 = at(i, j, k) * (1 - fx) + at(i1, j, k) * fx;
  const c10 = at(i, j1, k) * (1 - fx) + at(i1, j1, k) * fx;
  const c01 = at(i, j, k1) * (1 - fx) + at(i1, j, k1) * fx;
  const c11 = at(i, j1, k1) * (1 - fx) + at(i1, j1, k1) * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}
