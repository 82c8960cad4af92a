import type { VolumeGrid } from './volume-grid.js';
import { forEachLine, voxelBounds } from './volume-grid.js';

/**
 * Exact Euclidean distance (mm, anisotropic spacing) from every voxel to the nearest voxel of the
 * mask (0 on the mask; Infinity when the mask is empty): Felzenszwalb and Huttenlocher's separable
 * lower envelope of parabolas (Theory of Computing 2012), one pass per axis on squared distances.
 */
export function distanceToMaskMm(grid: VolumeGrid, mask: Uint8Array): Float32Array {
  const [nx, ny, nz] = grid.size;
  const squared = new Float64Array(mask.length);
  for (let p = 0; p < mask.length; p++) squared[p] = mask[p] !== 0 ? 0 : Infinity;
  const longest = Math.max(nx, ny, nz);
  const line = new Float64Array(longest);
  const out = new Float64Array(longest);
  const hull = new Int32Array(longest);
  const bounds = new Float64Array(longest + 1);
  for (const axis of [0, 1, 2] as const) {
    const s2 = grid.spacingMm[axis] ** 2;
    forEachLine(grid, axis, (start, stride, n) => {
      for (let t = 0; t < n; t++) line[t] = squared[start + t * stride]!;
      lowerEnvelope(line, n, s2, out, hull, bounds);
      for (let t = 0; t < n; t++) squared[start + t * stride] = out[t]!;
    });
  }
  const distance = new Float32Array(mask.length);
  for (let p = 0; p < mask.length; p++) distance[p] = Math.sqrt(squared[p]!);
  return distance;
}

/** One axis: out[q] = min over p of f[p] + s2 (q - p)^2, infinite samples skipped. */
function lowerEnvelope(f: Float64Array, n: number, s2: number, out: Float64Array, hull: Int32Array, bounds: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    while (k >= 0) {
      const p = hull[k]!;
      const s = (f[q]! + s2 * q * q - (f[p]! + s2 * p * p)) / (2 * s2 * (q - p));
      if (s <= bounds[k]!) k--;
      else {
        k++;
        hull[k] = q;
        bounds[k] = s;
        break;
      }
    }
    if (k < 0) {
      k = 0;
      hull[0] = q;
      bounds[0] = -Infinity;
    }
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) out[q] = Infinity;
    return;
  }
  bounds[k + 1] = Infinity;
  let h = 0;
  for (let q = 0; q < n; q++) {
    while (bounds[h + 1]! < q) h++;
    const p = hull[h]!;
    out[q] = f[p]! + s2 * (q - p) * (q - p);
  }
}

/** Voxels within `radiusMm` of the mask (dilation by a ball). */
export function dilateMm(grid: VolumeGrid, mask: Uint8Array, radiusMm: number): Uint8Array {
  const d = distanceToMaskMm(grid, mask);
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < out.length; p++) out[p] = d[p]! <= radiusMm ? 1 : 0;
  return out;
}

/** Voxels farther than `radiusMm` from the mask's outside (erosion by a ball; the grid's edge is not outside). */
export function erodeMm(grid: VolumeGrid, mask: Uint8Array, radiusMm: number): Uint8Array {
  const outside = new Uint8Array(mask.length);
  for (let p = 0; p < outside.length; p++) outside[p] = mask[p] === 0 ? 1 : 0;
  const d = distanceToMaskMm(grid, outside);
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < out.length; p++) out[p] = d[p]! > radiusMm ? 1 : 0;
  return out;
}

/**
 * Morphological closing by a ball: fills gaps narrower than about twice the radius. Computed on the
 * mask's bounding box grown by the radius, so a small object in a large volume costs little.
 */
export function closeMm(grid: VolumeGrid, mask: Uint8Array, radiusMm: number): Uint8Array {
  const [nx, ny] = grid.size;
  const out = new Uint8Array(mask.length);
  const bounds = voxelBounds(grid, (p) => mask[p] !== 0);
  if (bounds === undefined) return out;
  const { lo, hi } = bounds;
  for (let a = 0; a < 3; a++) {
    const margin = Math.ceil(radiusMm / grid.spacingMm[a]!) + 1;
    lo[a] = Math.max(0, lo[a]! - margin);
    hi[a] = Math.min(grid.size[a]! - 1, hi[a]! + margin);
  }
  const size: [number, number, number] = [hi[0]! - lo[0]! + 1, hi[1]! - lo[1]! + 1, hi[2]! - lo[2]! + 1];
  const crop = new Uint8Array(size[0] * size[1] * size[2]);
  const each = (visit: (full: number, cropped: number) => void): void => {
    let q = 0;
    for (let k = lo[2]!; k <= hi[2]!; k++) for (let j = lo[1]!; j <= hi[1]!; j++) for (let i = lo[0]!; i <= hi[0]!; i++, q++) visit(i + nx * (j + ny * k), q);
  };
  each((full, cropped) => (crop[cropped] = mask[full]!));
  const cropGrid = { size, spacingMm: grid.spacingMm };
  const closed = erodeMm(cropGrid, dilateMm(cropGrid, crop, radiusMm), radiusMm);
  each((full, cropped) => (out[full] = closed[cropped]!));
  return out;
}
