import type { Point3 } from '../../core/geometry.js';
import { OpenBmdError } from '../../core/errors.js';
import type { DigitalPhantom } from './digital-phantom.js';
import type { RayGrid } from './ray-caster.js';
import { castRays } from './ray-caster.js';

/** An axis-aligned voxel grid in the patient frame: voxel (i, j, k) centre = origin + (i, j, k) * spacing. */
export interface VoxelGrid {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
  readonly spacingMm: readonly [number, number, number];
  readonly originMm: Point3;
}

export interface VoxelisedPhantom {
  /** Mean of the regions' values over each voxel (exact along z, supersampled in-plane); standard layout i + columns * (j + rows * k). */
  readonly values: Float32Array;
  /** The region at each voxel centre; OUTSIDE_REGION where no solid is. */
  readonly regions: Uint8Array;
}

export const OUTSIDE_REGION = 255;

/**
 * Voxelises a phantom by casting rays along +z, one per in-plane sub-sample: the length each region
 * covers inside a slab is exact, so partial volume along z (thick slices) is exact and in-plane it
 * is the mean of supersample^2 sub-rays. Each region contributes `regionValue[region]` (a linear
 * quantity such as HU or mu, so averaging is the physics of partial volume); outside is `outsideValue`.
 * Region labels come from one ray through each voxel column's centre, taken at slice centres.
 * Work buffers are z-major so each ray writes contiguously, then transposed once.
 */
export function voxelisePhantom(phantom: DigitalPhantom, grid: VoxelGrid, regionValue: Float64Array, outsideValue: number, supersample = 2): VoxelisedPhantom {
  if (phantom.regions.length >= OUTSIDE_REGION)
    throw new OpenBmdError('INTERNAL', `a phantom with ${phantom.regions.length} regions cannot be labelled in 8 bits`);
  if (regionValue.length !== phantom.regions.length) throw new OpenBmdError('INTERNAL', 'one value per region is needed');
  const { columns, rows, slices, spacingMm, originMm } = grid;
  const sz = spacingMm[2];
  const zStart = originMm[2] - sz / 2;
  const plane = columns * rows;
  const sums = new Float32Array(plane * slices);
  const ss = Math.max(1, Math.round(supersample));
  const sub = zRays(grid, ss, zStart);
  castRays(phantom, sub, (i, j, sweep) => {
    const base = (Math.floor(j / ss) * columns + Math.floor(i / ss)) * slices;
    sweep.segments((region, from, to) => {
      const delta = regionValue[region]! - outsideValue;
      const u0 = Math.max(0, from / sz);
      const u1 = Math.min(slices, to / sz);
      if (!(u1 > u0)) return;
      const k0 = Math.floor(u0);
      const k1 = Math.min(slices - 1, Math.ceil(u1) - 1);
      for (let k = k0; k <= k1; k++) {
        const overlap = Math.min(u1, k + 1) - Math.max(u0, k);
        if (overlap > 0) sums[base + k] = sums[base + k]! + delta * overlap;
      }
    });
  });
  const labelsZMajor = new Uint8Array(plane * slices).fill(OUTSIDE_REGION);
  castRays(phantom, zRays(grid, 1, zStart), (i, j, sweep) => {
    const base = (j * columns + i) * slices;
    sweep.segments((region, from, to) => {
      // Slice k's centre is at t = (k + 0.5) * sz.
      const k0 = Math.max(0, Math.ceil(from / sz - 0.5));
      const k1 = Math.min(slices - 1, Math.ceil(to / sz - 0.5) - 1);
      for (let k = k0; k <= k1; k++) labelsZMajor[base + k] = region;
    });
  });
  const values = new Float32Array(plane * slices);
  const regions = new Uint8Array(plane * slices);
  const perVoxel = 1 / (ss * ss);
  for (let p = 0; p < plane; p++) {
    const base = p * slices;
    for (let k = 0; k < slices; k++) {
      values[k * plane + p] = outsideValue + sums[base + k]! * perVoxel;
      regions[k * plane + p] = labelsZMajor[base + k]!;
    }
  }
  return { values, regions };
}

/** Rays along +z from the bottom face of the grid, ss x ss per voxel column; t is in mm. */
function zRays(grid: VoxelGrid, ss: number, zStart: number): RayGrid {
  const [sx, sy] = grid.spacingMm;
  const [ox, oy] = grid.originMm;
  return {
    columns: grid.columns * ss,
    rows: grid.rows * ss,
    ray(i, j, out) {
      out[0] = ox + ((i + 0.5) / ss - 0.5) * sx;
      out[1] = oy + ((j + 0.5) / ss - 0.5) * sy;
      out[2] = zStart;
      out[3] = 0;
      out[4] = 0;
      out[5] = 1;
    },
    toGrid(x, y) {
      return [((x - ox) / sx + 0.5) * ss - 0.5, ((y - oy) / sy + 0.5) * ss - 0.5];
    },
  };
}
