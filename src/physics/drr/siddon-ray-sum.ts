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
 *
 * Speed: the ray crosses the planes of the axis it runs most along (in voxels) far more often than
 * the others', so between two crossings of the other axes it passes whole voxels of that axis, each
 * the same length: those are summed first and weighted once (`wholeVoxelRun`), which halves the
 * time of a radiograph-sized DRR without changing what is summed.
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
  const i = clampIndex(Math.floor(from[0] + mid * dx), nx);
  const j = clampIndex(Math.floor(from[1] + mid * dy), ny);
  const k = clampIndex(Math.floor(from[2] + mid * dz), nz);
  const x = axisWalk(from[0], dx, i, nx, 1);
  const y = axisWalk(from[1], dy, j, ny, nx);
  const z = axisWalk(from[2], dz, k, nz, nx * ny);
  const offset = i + nx * j + nx * ny * k;
  // The run axis first: the one whose planes come closest together along the ray.
  const sum =
    x.alphaPerVoxel <= y.alphaPerVoxel && x.alphaPerVoxel <= z.alphaPerVoxel
      ? walkRay(grid.values, offset, alphaMin, alphaMax, x, y, z)
      : y.alphaPerVoxel <= z.alphaPerVoxel
        ? walkRay(grid.values, offset, alphaMin, alphaMax, y, x, z)
        : walkRay(grid.values, offset, alphaMin, alphaMax, z, x, y);
  return sum * segmentLengthMm;
}

/** One axis of the walk: where its next plane is, how far apart its planes are, the step in memory, the voxels left. */
interface AxisWalk {
  nextAlpha: number;
  alphaPerVoxel: number;
  stride: number;
  /** Planes the ray can still cross along this axis inside the grid. */
  voxelsLeft: number;
}

function axisWalk(start: number, delta: number, index: number, n: number, stride: number): AxisWalk {
  if (delta === 0) return { nextAlpha: Infinity, alphaPerVoxel: Infinity, stride: 0, voxelsLeft: 0 };
  return {
    nextAlpha: ((delta > 0 ? index + 1 : index) - start) / delta,
    alphaPerVoxel: 1 / Math.abs(delta),
    stride: delta > 0 ? stride : -stride,
    voxelsLeft: delta > 0 ? n - 1 - index : index,
  };
}

/**
 * The incremental walk with axis `a` the run axis: every crossing of a plane weights the voxel
 * left by the length inside it; after each crossing of an `a` plane, the whole voxels before the
 * next `b` or `c` plane (or the exit) are summed by `wholeVoxelRun`.
 */
function walkRay(values: Float32Array, start: number, alphaMin: number, alphaMax: number, a: AxisWalk, b: AxisWalk, c: AxisWalk): number {
  let offset = start;
  let alpha = alphaMin;
  let sum = 0;
  let [nextA, nextB, nextC] = [a.nextAlpha, b.nextAlpha, c.nextAlpha];
  let [leftA, leftB, leftC] = [a.voxelsLeft, b.voxelsLeft, c.voxelsLeft];
  const [perA, perB, perC] = [a.alphaPerVoxel, b.alphaPerVoxel, c.alphaPerVoxel];
  const [strideA, strideB, strideC] = [a.stride, b.stride, c.stride];
  while (alpha < alphaMax) {
    if (nextA <= nextB && nextA <= nextC) {
      const end = nextA < alphaMax ? nextA : alphaMax;
      sum += values[offset]! * (end - alpha);
      alpha = end;
      if (--leftA < 0) break;
      offset += strideA;
      nextA += perA;
      // Whole voxels of `a`: the one just entered and those after it, up to the next other plane.
      const limit = Math.min(nextB, nextC, alphaMax);
      if (nextA <= limit) {
        const count = Math.min(Math.floor((limit - nextA) / perA) + 1, leftA + 1);
        sum += wholeVoxelRun(values, offset, strideA, count) * perA;
        offset += count * strideA;
        leftA -= count;
        alpha = nextA + (count - 1) * perA;
        nextA = alpha + perA;
        if (leftA < 0) break;
      }
    } else if (nextB <= nextC) {
      const end = nextB < alphaMax ? nextB : alphaMax;
      sum += values[offset]! * (end - alpha);
      alpha = end;
      if (--leftB < 0) break;
      offset += strideB;
      nextB += perB;
    } else {
      const end = nextC < alphaMax ? nextC : alphaMax;
      sum += values[offset]! * (end - alpha);
      alpha = end;
      if (--leftC < 0) break;
      offset += strideC;
      nextC += perC;
    }
  }
  return sum;
}

/** The sum of `count` values from `offset`, `stride` apart. */
function wholeVoxelRun(values: Float32Array, offset: number, stride: number, count: number): number {
  let sum = 0;
  for (let t = 0, p = offset; t < count; t++, p += stride) sum += values[p]!;
  return sum;
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
