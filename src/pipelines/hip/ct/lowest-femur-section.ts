import type { Point3 } from '../../../core/geometry.js';
import type { VolumeGrid } from '../../../imaging/volume/volume-grid.js';

/** Femoral shaft sections are 4-7 cm2; a region smaller than this is not one. */
const MIN_SECTION_MM2 = 120;

export interface FemurSection {
  /** Slice index. */
  k: number;
  /** Voxel offsets of the section. */
  offsets: number[];
  /** Centroid, mm from voxel (0, 0, 0). */
  centroidMm: Point3;
}

/**
 * The femur's lowest section in the field: in the lowest slice that holds a large enough bone region
 * on this side, the region farthest from the midline (the femur lies lateral to the pubis and
 * ischium at every level below the hip).
 */
export function lowestFemurSection(o: { grid: VolumeGrid; bone: Uint8Array; inHalf: (i: number) => boolean; midlineI: number }): FemurSection | undefined {
  const [nx, ny, nz] = o.grid.size;
  const [sx, sy, sz] = o.grid.spacingMm;
  const minVoxels = MIN_SECTION_MM2 / (sx * sy);
  for (let k = 0; k < nz; k++) {
    let best: { voxels: number[]; lateralMm: number } | undefined;
    for (const voxels of sliceRegions(o, k)) {
      if (voxels.length < minVoxels) continue;
      const meanI = voxels.reduce((s, p) => s + (p % nx), 0) / voxels.length;
      const lateralMm = Math.abs(meanI - o.midlineI) * sx;
      if (best === undefined || lateralMm > best.lateralMm) best = { voxels, lateralMm };
    }
    if (best === undefined) continue;
    const n = best.voxels.length;
    const centroidMm: Point3 = [
      (best.voxels.reduce((s, p) => s + (p % nx), 0) / n) * sx,
      (best.voxels.reduce((s, p) => s + Math.floor(p / nx), 0) / n) * sy,
      k * sz,
    ];
    return { k, offsets: best.voxels.map((p) => p + k * nx * ny), centroidMm };
  }
  return undefined;
}

/** 4-connected bone regions of one slice within the side (offsets within the slice). */
function sliceRegions(o: { grid: VolumeGrid; bone: Uint8Array; inHalf: (i: number) => boolean }, k: number): number[][] {
  const [nx, ny] = o.grid.size;
  const base = k * nx * ny;
  const seen = new Uint8Array(nx * ny);
  const regions: number[][] = [];
  const take = (p: number): boolean => seen[p] === 0 && o.bone[base + p] !== 0 && o.inHalf(p % nx);
  for (let start = 0; start < nx * ny; start++) {
    if (!take(start)) continue;
    const voxels: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop()!;
      voxels.push(p);
      const i = p % nx;
      const j = (p - i) / nx;
      for (const q of [i > 0 ? p - 1 : -1, i < nx - 1 ? p + 1 : -1, j > 0 ? p - nx : -1, j < ny - 1 ? p + nx : -1]) {
        if (q < 0 || !take(q)) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
    regions.push(voxels);
  }
  return regions;
}
