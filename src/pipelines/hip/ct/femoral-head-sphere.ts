import type { Point3 } from '../../../core/geometry.js';
import type { VolumeGrid } from '../../../imaging/volume/volume-grid.js';
import { gaussianSmooth3D } from '../../../imaging/volume/gaussian-smooth-3d.js';

/** Adult femoral head radii span about 19-28 mm (Hoaglund & Low, Clin Orthop 1980: head diameter 40-55 mm); a margin each side. */
const HEAD_RADIUS_RANGE_MM: readonly [number, number] = [16, 31];
/** Edges weaker than this do not vote, HU per mm. */
const MIN_GRADIENT_HU_PER_MM = 25;
/** An edge's bright side must reach bone, HU. */
const EDGE_BONE_HU = 250;

export interface FemoralHeadSearch {
  grid: VolumeGrid;
  /** Smoothed HU. */
  smoothHu: Float32Array;
  /** Where the centre may lie (1): bone on the hip's side, above the femur's lowest section. */
  centreAllowed: Uint8Array;
}

export interface FemoralHead {
  /** Mm from voxel (0, 0, 0). */
  centreMm: Point3;
}

/**
 * The femoral head's centre by a Hough transform for spheres: every bone edge votes along its
 * gradient, both ways, at the adult head radii, because the head's surface (bright inside) and the
 * acetabulum's concentric socket (bright outside) share the centre. The smoothed vote peak inside
 * the allowed region is the centre.
 */
export function findFemoralHead(search: FemoralHeadSearch): FemoralHead | undefined {
  const { grid } = search;
  const [nx, ny, nz] = grid.size;
  const [sx, sy, sz] = grid.spacingMm;
  const votes = new Float32Array(search.smoothHu.length);
  const [rMin, rMax] = HEAD_RADIUS_RANGE_MM;
  const step = Math.min(sx, sy, sz) / 2;
  forEachEdge(search, (x, y, z, gx, gy, gz) => {
    for (const sign of [1, -1]) {
      for (let r = rMin; r <= rMax; r += step) {
        const i = Math.round((x + sign * r * gx) / sx);
        const j = Math.round((y + sign * r * gy) / sy);
        const k = Math.round((z + sign * r * gz) / sz);
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) break;
        votes[i + nx * (j + ny * k)]! += step;
      }
    }
  });
  const smoothVotes = gaussianSmooth3D(grid, votes, 2.5);
  let best = -1;
  for (let p = 0; p < smoothVotes.length; p++) {
    if (search.centreAllowed[p] === 0) continue;
    if (best < 0 || smoothVotes[p]! > smoothVotes[best]!) best = p;
  }
  if (best < 0 || !(smoothVotes[best]! > 0)) return undefined;
  return { centreMm: [(best % nx) * sx, (Math.floor(best / nx) % ny) * sy, Math.floor(best / (nx * ny)) * sz] };
}

/** Calls back with each strong edge whose bright side is bone: position (mm) and unit gradient. */
function forEachEdge(search: FemoralHeadSearch, visit: (x: number, y: number, z: number, gx: number, gy: number, gz: number) => void): void {
  const { grid, smoothHu: v } = search;
  const [nx, ny, nz] = grid.size;
  const [sx, sy, sz] = grid.spacingMm;
  const reach = Math.max(sx, sy, sz);
  for (let k = 1; k < nz - 1; k++) {
    for (let j = 1; j < ny - 1; j++) {
      for (let i = 1; i < nx - 1; i++) {
        const p = i + nx * (j + ny * k);
        const gx = (v[p + 1]! - v[p - 1]!) / (2 * sx);
        const gy = (v[p + nx]! - v[p - nx]!) / (2 * sy);
        const gz = (v[p + nx * ny]! - v[p - nx * ny]!) / (2 * sz);
        const g = Math.hypot(gx, gy, gz);
        if (g < MIN_GRADIENT_HU_PER_MM || v[p]! + g * reach < EDGE_BONE_HU) continue;
        visit(i * sx, j * sy, k * sz, gx / g, gy / g, gz / g);
      }
    }
  }
}
