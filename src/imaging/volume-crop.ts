import type { Volume3D } from '../core/volume3d.js';

/** An axis-aligned crop grid in a canonical volume's index-mm frame: voxel (z, y, x) of the crop lies at centre + (index - (size - 1) / 2) * spacing. */
export interface CropGrid {
  /** Index-mm (x, y, z) of the crop's centre. */
  centreMm: [number, number, number];
  /** [z, y, x] voxels. */
  size: readonly [number, number, number];
  /** [z, y, x] mm. */
  spacingMm: readonly [number, number, number];
}

/** Index-mm (x, y, z) of crop voxel (z, y, x). */
export function cropVoxelMm(grid: CropGrid, z: number, y: number, x: number): [number, number, number] {
  return [
    grid.centreMm[0] + (x - (grid.size[2] - 1) / 2) * grid.spacingMm[2],
    grid.centreMm[1] + (y - (grid.size[1] - 1) / 2) * grid.spacingMm[1],
    grid.centreMm[2] + (z - (grid.size[0] - 1) / 2) * grid.spacingMm[0],
  ];
}

/**
 * Trilinear samples of `values` (a volume's voxel values, or an indicator such as label == code) on
 * a crop grid, [z][y][x] order; `fill` outside the volume.
 */
export function sampleCrop(volume: Pick<Volume3D, 'size' | 'spacingMm'>, value: (offset: number) => number, grid: CropGrid, fill: number): Float32Array {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const [dz, dy, dx] = grid.size;
  const out = new Float32Array(dz * dy * dx);
  let p = 0;
  for (let z = 0; z < dz; z++) {
    for (let y = 0; y < dy; y++) {
      for (let x = 0; x < dx; x++, p++) {
        const [mx, my, mz] = cropVoxelMm(grid, z, y, x);
        const fi = mx / sx;
        const fj = my / sy;
        const fk = mz / sz;
        if (fi < 0 || fj < 0 || fk < 0 || fi > nx - 1 || fj > ny - 1 || fk > nz - 1) {
          out[p] = fill;
          continue;
        }
        const i0 = Math.min(nx - 2, Math.floor(fi));
        const j0 = Math.min(ny - 2, Math.floor(fj));
        const k0 = Math.min(nz - 2, Math.floor(fk));
        const wi = fi - i0;
        const wj = fj - j0;
        const wk = fk - k0;
        const o = i0 + nx * (j0 + ny * k0);
        const plane = nx * ny;
        const c00 = (1 - wi) * value(o) + wi * value(o + 1);
        const c10 = (1 - wi) * value(o + nx) + wi * value(o + nx + 1);
        const c01 = (1 - wi) * value(o + plane) + wi * value(o + plane + 1);
        const c11 = (1 - wi) * value(o + plane + nx) + wi * value(o + plane + nx + 1);
        out[p] = (1 - wk) * ((1 - wj) * c00 + wj * c10) + wk * ((1 - wj) * c01 + wj * c11);
      }
    }
  }
  return out;
}

/** Crop values in a sub-window [z0, y0, x0] + size of a larger crop (both [z][y][x]). */
export function subCrop(
  values: Float32Array,
  size: readonly [number, number, number],
  start: readonly [number, number, number],
  subSize: readonly [number, number, number],
): Float32Array {
  const out = new Float32Array(subSize[0] * subSize[1] * subSize[2]);
  let p = 0;
  for (let z = 0; z < subSize[0]; z++) {
    for (let y = 0; y < subSize[1]; y++) {
      const from = ((start[0] + z) * size[1] + start[1] + y) * size[2] + start[2];
      out.set(values.subarray(from, from + subSize[2]), p);
      p += subSize[2];
    }
  }
  return out;
}
