import type { Point3 } from '../../core/geometry.js';

/**
 * A voxel grid in its own index frame, where voxel (i, j, k) spans [i, i + 1) x [j, j + 1) x
 * [k, k + 1): a volume's patient-frame points mapped by `toGridFrame` (drr-volume.ts).
 */
export interface RayGrid {
  values: Float32Array;
  size: readonly [number, number, number];
  /** mm per grid unit along each axis (the voxel spacing; the grid's axes are orthogonal in the patient frame). */
  spacingMm: readonly [number, number, number];
}

/**
 * The line integral (mm x the grid's values) along the segment from `from` to `to` (both in the grid
 * frame): the exact radiological path of Siddon (Med Phys 1985) in the incremental form of Jacobs
 * et al. (1998), every voxel crossed weighted by the length of the ray inside it.
 *
 * Speed: the ray crosses the planes of the axis it runs most along (in voxels) far more often than
 * the others', so between two crossings of the other axes it passes whole voxels of that axis, each
 * the same length: those are summed first and weighted once, which halves the
 * time of a radiograph-sized DRR without changing what is summed.
 */
export function siddonRaySum(grid: RayGrid, from: Point3, to: Point3): number {
  walkSegment(grid, from, to);
  return WALK[2]!;
}

/**
 * siddonRaySum stored in `out[index]`: a DRR's rays pass no number in or out of a call, since a
 * double crossing a call that is not inlined is allocated on the heap (hundreds of thousands of
 * rays per DRR kept the garbage collector busy).
 */
export function siddonRaySumInto(grid: RayGrid, from: Point3, to: Point3, out: Float32Array, index: number): void {
  walkSegment(grid, from, to);
  out[index] = WALK[2]!;
}

/** The walk from `from` to `to`, its sum (in mm x values) left in WALK[2]. */
function walkSegment(grid: RayGrid, from: Point3, to: Point3): void {
  const size = grid.size;
  const nx = size[0];
  const ny = size[1];
  const nz = size[2];
  RAY[0] = from[0];
  RAY[1] = from[1];
  RAY[2] = from[2];
  RAY[3] = to[0] - from[0];
  RAY[4] = to[1] - from[1];
  RAY[5] = to[2] - from[2];
  // The parameter range (0 at `from`, 1 at `to`) inside the grid along every axis.
  const alphaMin = Math.max(0, axisEntry(0, nx), axisEntry(1, ny), axisEntry(2, nz));
  const alphaMax = Math.min(1, axisExit(0, nx), axisExit(1, ny), axisExit(2, nz));
  WALK[2] = 0;
  if (!(alphaMin < alphaMax)) return;
  WALK[0] = alphaMin;
  WALK[1] = alphaMax;
  // The voxel entered: the one containing the first segment's midpoint.
  const firstCrossing = Math.min(nextCrossing(0), nextCrossing(1), nextCrossing(2), alphaMax);
  const mid = (alphaMin + firstCrossing) / 2;
  const i = clampIndex(Math.floor(RAY[0] + mid * RAY[3]!), nx);
  const j = clampIndex(Math.floor(RAY[1] + mid * RAY[4]!), ny);
  const k = clampIndex(Math.floor(RAY[2] + mid * RAY[5]!), nz);
  setAxisWalk(X, 0, i, nx, 1);
  setAxisWalk(Y, 1, j, ny, nx);
  setAxisWalk(Z, 2, k, nz, nx * ny);
  const offset = i + nx * j + nx * ny * k;
  // The run axis first: the one whose planes come closest together along the ray.
  const px = ALPHAS[X + 1]!;
  const py = ALPHAS[Y + 1]!;
  const pz = ALPHAS[Z + 1]!;
  if (px <= py && px <= pz) walkRay(grid.values, offset, X, Y, Z);
  else if (py <= pz) walkRay(grid.values, offset, Y, X, Z);
  else walkRay(grid.values, offset, Z, X, Y);
  // Grid units to mm: the segment's length in the patient frame over its length in parameter (1).
  const spacing = grid.spacingMm;
  const lx = RAY[3] * spacing[0];
  const ly = RAY[4] * spacing[1];
  const lz = RAY[5] * spacing[2];
  WALK[2] = WALK[2]! * Math.sqrt(lx * lx + ly * ly + lz * lz);
}

/**
 * The walk's state per axis, in the axis's slot (X, Y, Z) of two scratch arrays: where its next
 * plane is and how far apart its planes are (ALPHAS), its step in memory and the planes the ray can
 * still cross inside the grid (STEPS, integers, so the voxel offsets stay integers). Shared by every
 * ray of a thread: a DRR casts hundreds of thousands, and an object per axis per ray kept the
 * garbage collector busy.
 */
const ALPHAS = new Float64Array(6);
const STEPS = new Int32Array(6);
const [X, Y, Z] = [0, 2, 4];
/** The walk's parameter range in (alphaMin, alphaMax) and its sum out, numbers that would be allocated if passed as arguments to a function not inlined. */
const WALK = new Float64Array(3);
/** The ray being walked: its start (0-2) and its extent to its end (3-5), in the grid frame. */
const RAY = new Float64Array(6);

function setAxisWalk(slot: number, axis: number, index: number, n: number, stride: number): void {
  const start = RAY[axis]!;
  const delta = RAY[axis + 3]!;
  if (delta === 0) {
    ALPHAS[slot] = Infinity;
    ALPHAS[slot + 1] = Infinity;
    STEPS[slot] = 0;
    STEPS[slot + 1] = 0;
    return;
  }
  ALPHAS[slot] = ((delta > 0 ? index + 1 : index) - start) / delta;
  ALPHAS[slot + 1] = 1 / Math.abs(delta);
  STEPS[slot] = delta > 0 ? stride : -stride;
  STEPS[slot + 1] = delta > 0 ? n - 1 - index : index;
}

/**
 * The incremental walk with axis `a` the run axis (`a`, `b`, `c`: slots of ALPHAS and STEPS):
 * every crossing of a plane weights the voxel left by the length inside it; after each crossing of
 * an `a` plane, the whole voxels before the next `b` or `c` plane (or the exit) are summed together.
 */
function walkRay(values: Float32Array, start: number, a: number, b: number, c: number): void {
  const alphaMin = WALK[0]!;
  const alphaMax = WALK[1]!;
  let offset = start;
  let alpha = alphaMin;
  let sum = 0;
  let nextA = ALPHAS[a]!;
  let nextB = ALPHAS[b]!;
  let nextC = ALPHAS[c]!;
  const perA = ALPHAS[a + 1]!;
  const perB = ALPHAS[b + 1]!;
  const perC = ALPHAS[c + 1]!;
  const strideA = STEPS[a]!;
  const strideB = STEPS[b]!;
  const strideC = STEPS[c]!;
  let leftA = STEPS[a + 1]!;
  let leftB = STEPS[b + 1]!;
  let leftC = STEPS[c + 1]!;
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
        // Summed here, not in a function: a double returned from a call that is not inlined is
        // allocated on the heap, and a DRR has millions of runs.
        let run = 0;
        for (let t = 0; t < count; t++, offset += strideA) run += values[offset]!;
        sum += run * perA;
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
  WALK[2] = sum;
}

/**
 * Where along the ray it enters the slab between one axis's first and last grid plane (numbers, no
 * objects: this runs once per ray). A ray parallel to the planes is inside throughout or never.
 */
function axisEntry(axis: number, n: number): number {
  const start = RAY[axis]!;
  const delta = RAY[axis + 3]!;
  if (delta === 0) return start <= 0 || start >= n ? Infinity : -Infinity;
  return Math.min(-start / delta, (n - start) / delta);
}

/** Where along the ray it leaves that slab. */
function axisExit(axis: number, n: number): number {
  const start = RAY[axis]!;
  const delta = RAY[axis + 3]!;
  if (delta === 0) return start <= 0 || start >= n ? -Infinity : Infinity;
  return Math.max(-start / delta, (n - start) / delta);
}

/** The parameter of the first grid plane after the walk's start (WALK[0]) along one axis (Infinity when the ray is parallel to it). */
function nextCrossing(axis: number): number {
  const start = RAY[axis]!;
  const delta = RAY[axis + 3]!;
  if (delta === 0) return Infinity;
  const at = start + WALK[0]! * delta;
  // Just past the entry point, so a ray entering on a plane takes the next one.
  const plane = delta > 0 ? Math.floor(at + 1e-9) + 1 : Math.ceil(at - 1e-9) - 1;
  return (plane - start) / delta;
}

function clampIndex(index: number, n: number): number {
  return index < 0 ? 0 : index >= n ? n - 1 : index;
}
