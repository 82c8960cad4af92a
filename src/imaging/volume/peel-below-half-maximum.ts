import type { VolumeGrid } from './volume-grid.js';
import { faceNeighbours } from './volume-grid.js';

export interface HalfMaximumPeel {
  grid: VolumeGrid;
  /** Object mask, modified in place. */
  mask: Uint8Array;
  values: Float32Array;
  /** The value of what surrounds the object (soft tissue for bone). */
  surroundValue: number;
}

/**
 * Moves an object's surface to the half-maximum edge: each surface voxel (a face neighbour outside)
 * whose value lies below halfway between the surround and the brightest object voxel of its
 * 3 x 3 x 3 neighbourhood is removed (one layer). A threshold low enough to keep thin, dim bone puts
 * the surface of a bright cortex a blur width too far out; the half-maximum is where the edge is.
 * Returns the number of voxels removed.
 */
export function peelBelowHalfMaximum(o: HalfMaximumPeel): number {
  const { grid, mask, values } = o;
  const [nx, ny] = grid.size;
  const neighbours: number[] = [];
  const remove: number[] = [];
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    let surface = false;
    for (const q of faceNeighbours(grid, p, neighbours)) if (mask[q] === 0) surface = true;
    if (!surface) continue;
    let brightest = -Infinity;
    const i = p % nx;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / (nx * ny));
    for (let dk = -1; dk <= 1; dk++) {
      for (let dj = -1; dj <= 1; dj++) {
        for (let di = -1; di <= 1; di++) {
          const a = i + di;
          const b = j + dj;
          const c = k + dk;
          if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= grid.size[2]) continue;
          const q = a + nx * (b + ny * c);
          if (mask[q] !== 0 && values[q]! > brightest) brightest = values[q]!;
        }
      }
    }
    if (values[p]! < (brightest + o.surroundValue) / 2) remove.push(p);
  }
  for (const p of remove) mask[p] = 0;
  return remove.length;
}
