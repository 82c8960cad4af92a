import type { DigitalPhantom } from './digital-phantom.js';
import { PreparedSolid } from './ray-intersection.js';
import { RaySweep } from './ray-sweep.js';
import { solidBoundsMm } from './solid.js';

/** A regular grid of rays (detector pixels, or voxel columns) and how points map onto it. */
export interface RayGrid {
  readonly columns: number;
  readonly rows: number;
  /** Origin (out[0..2]) and direction (out[3..5]) of the ray through grid point (i, j). */
  ray(i: number, j: number, out: Float64Array): void;
  /** Continuous grid position (i, j) where the ray through a patient-frame point lands. */
  toGrid(x: number, y: number, z: number): [number, number];
}

const TILE = 16;

/**
 * Casts every ray of the grid through the phantom: each ray's solid intervals are resolved by
 * priority (RaySweep) and handed to `visit` with the ray's direction length (mm per unit t).
 * Solids are binned into 16x16-ray tiles by their projected bounds, so a ray only tests the solids
 * that can reach it.
 */
export function castRays(phantom: DigitalPhantom, grid: RayGrid, visit: (i: number, j: number, sweep: RaySweep, mmPerT: number) => void): void {
  const prepared = phantom.solids.map((s) => new PreparedSolid(s));
  const tilesX = Math.ceil(grid.columns / TILE);
  const tilesY = Math.ceil(grid.rows / TILE);
  const tileSolids: number[][] = Array.from({ length: tilesX * tilesY }, () => []);
  phantom.solids.forEach((solid, index) => {
    const { min, max } = solidBoundsMm(solid);
    let i0 = Infinity;
    let i1 = -Infinity;
    let j0 = Infinity;
    let j1 = -Infinity;
    for (const x of [min[0], max[0]]) {
      for (const y of [min[1], max[1]]) {
        for (const z of [min[2], max[2]]) {
          const [gi, gj] = grid.toGrid(x, y, z);
          i0 = Math.min(i0, gi);
          i1 = Math.max(i1, gi);
          j0 = Math.min(j0, gj);
          j1 = Math.max(j1, gj);
        }
      }
    }
    const tx0 = Math.max(0, Math.floor((i0 - 1) / TILE));
    const tx1 = Math.min(tilesX - 1, Math.floor((i1 + 1) / TILE));
    const ty0 = Math.max(0, Math.floor((j0 - 1) / TILE));
    const ty1 = Math.min(tilesY - 1, Math.floor((j1 + 1) / TILE));
    for (let ty = ty0; ty <= ty1; ty++) for (let tx = tx0; tx <= tx1; tx++) tileSolids[ty * tilesX + tx]!.push(index);
  });
  const sweep = new RaySweep();
  const ray = new Float64Array(6);
  const hit = new Float64Array(2);
  for (let ty = 0; ty < tilesY; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      const candidates = tileSolids[ty * tilesX + tx]!.map((k) => prepared[k]!);
      const jEnd = Math.min(grid.rows, (ty + 1) * TILE);
      const iEnd = Math.min(grid.columns, (tx + 1) * TILE);
      for (let j = ty * TILE; j < jEnd; j++) {
        for (let i = tx * TILE; i < iEnd; i++) {
          grid.ray(i, j, ray);
          sweep.reset();
          for (const solid of candidates) {
            if (solid.intersect(ray[0]!, ray[1]!, ray[2]!, ray[3]!, ray[4]!, ray[5]!, hit)) sweep.add(hit[0]!, hit[1]!, solid.priority, solid.region);
          }
          visit(i, j, sweep, Math.hypot(ray[3]!, ray[4]!, ray[5]!));
        }
      }
    }
  }
}
