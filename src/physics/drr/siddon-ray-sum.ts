import type { Point3 } from '../../core/geometry.js';

/**
 * A voxel grid in its own index frame, where voxel (i, j, k) spans [i, i + 1) x [j, j + 1) x
 * [k, k + 1): a volume's patient-frame points mapped by `toGridFrame` (drr-volume.ts).
 */
export interface RayGrid {
  values: Float32Array;
  size: readonly [number, number, number];
}

/**
 * The line integral of the grid's values along the segment from `from` to `to` (both in the grid
 * frame), times `segmentLengthMm` (the segment's length in the patient frame): the exact
 * radiological path of Siddon (Med Phys 1985) in the incremental form of Jacobs et al. (1998),
 * every voxel crossed weighted by the length of the ray inside it.
 */
export function siddonRaySum(grid: RayGrid, from: Point3, to: Point3, segmentLengthMm: number): number {
  const [nx, ny, nz] = grid.size;
  const dx = to[0] - from[0];
  const dy = to[1] - from[1];
  const dz = to[2] - from[2];
  // The parameter range (0 at `from`, 1 at `to`) inside the grid along every axis.
  const alphaMin = Math.max(0, axisEntry(from[0], dx, nx), axisEntry(from[1], dy, ny), axisEntry(from[2], dz, nz));
  const alphaMax = Math.min(1, axisExit(from[0], dx, nx), axisExit(from[1], dy, ny), axisExit(from[2], dz, nz));
  if (!(alphaMin < alphaMax)) return 0;
  // The voxel entered: the one containing the first segment's midpoint.
  const firstCrossing = Math.min(nextCrossing(from[0], dx, alphaMin), nextCrossing(from[1], dy, alphaMin), nextCrossing(from[2], dz, alphaMin), alphaMax);
  const mid = (alphaMin + firstCrossing) / 2;
  let i = clampIndex(Math.floor(from[0] + mid * dx), nx);
  let j = clampIndex(Math.floor(from[1] + mid * dy), ny);
  let k = clampIndex(Math.floor(from[2] + mid * dz), nz);
  const stepI = dx > 0 ? 1 : -1;
  const stepJ = dy > 0 ? 1 : -1;
  const stepK = dz > 0 ? 1 : -1;
  const alphaPerI = dx === 0 ? Infinity : 1 / Math.abs(dx);
  const alphaPerJ = dy === 0 ? Infinity : 1 / Math.abs(dy);
  const alphaPerK = dz === 0 ? Infinity : 1 / Math.abs(dz);
  let nextI = dx === 0 ? Infinity : ((dx > 0 ? i + 1 : i) - from[0]) / dx;
  let nextJ = dy === 0 ? Infinity : ((dy > 0 ? j + 1 : j) - from[1]) / dy;
  let nextK = dz === 0 ? Infinity : ((dz > 0 ? k + 1 : k) - from[2]) / dz;
  const values = grid.values;
  const sliceStride = nx * ny;
  let alpha = alphaMin;
  let sum = 0;
  while (alpha < alphaMax) {
    const offset = i + nx * j + sliceStride * k;
    if (nextI <= nextJ && nextI <= nextK) {
      const end = nextI < alphaMax ? nextI : alphaMax;
      sum += values[offset]! * (end - alpha);
      alpha = end;
      i += stepI;
      nextI += alphaPerI;
      if (i < 0 || i >= nx) break;
    } else if (nextJ <= nextK) {
      const end = nextJ < alphaMax ? nextJ : alphaMax;
      sum += values[offset]! * (end - alpha);
      alpha = end;
      j += stepJ;
      nextJ += alphaPerJ;
      if (j < 0 || j >= ny) break;
    } else {
      const end = nextK < alphaMax ? nextK : alphaMax;
      sum += values[offset]! * (end - alpha);
      alpha = end;
      k += stepK;
      nextK += alphaPerK;
      if (k < 0 || k >= nz) break;
    }
  }
  return sum * segmentLengthMm;
}

/**
 * Where along the ray it enters the slab between one axis's first and last grid plane (numbers, no
 * objects: this runs once per ray). A ray parallel to the planes is inside throughout or never.
 */
function axisEntry(start: number, delta: number, n: number): number {
  if (delta === 0) return start <= 0 || start >= n ? Infinity : -Infinity;
  return Math.min(-start / delta, (n - start) / delta);
}

/** Where along the ray it leaves that slab. */
function axisExit(start: number, delta: number, n: number): number {
  if (delta === 0) return start <= 0 || start >= n ? -Infinity : Infinity;
  return Math.max(-start / delta, (n - start) / delta);
}

/** The parameter of the first grid plane after `alpha` along one axis (Infinity when the ray is parallel to it). */
function nextCrossing(start: number, delta: number, alpha: number): number {
  if (delta === 0) return Infinity;
  const at = start + alpha * delta;
  // Just past the entry point, so a ray entering on a plane takes the next one.
  const plane = delta > 0 ? Math.floor(at + 1e-9) + 1 : Math.ceil(at - 1e-9) - 1;
  return (plane - start) / delta;
}

function clampIndex(index: number, n: number): number {
  return index < 0 ? 0 : index >= n ? n - 1 : index;
}
