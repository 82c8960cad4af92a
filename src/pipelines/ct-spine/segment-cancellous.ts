import type * as tfTypes from '@tensorflow/tfjs';
import type { Volume3D } from '../../core/volume3d.js';
import { predictInBatches } from '../../nn/inference.js';
import { segmentationInput } from './cancellous-input.js';
import { SEGMENTATION_CROP, SEGMENTATION_WINDOWS_HU } from './ct-spine-networks.js';
import type { CropGrid } from '../../imaging/volume-crop.js';
import { sampleCrop } from '../../imaging/volume-crop.js';

/** A region of the canonical volume: the offsets of its voxels (i + nx * (j + ny * k)), ascending. */
export interface VoxelRegion {
  offsets: Int32Array;
}

/** The voxels of a crop-grid probability map above 0.5, in the native volume (trilinear look-up at each native voxel centre). */
export function probabilityToRegion(volume: Pick<Volume3D, 'size' | 'spacingMm'>, grid: CropGrid, probability: Float32Array): VoxelRegion {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const [dz, dy, dx] = grid.size;
  const half = [((dx - 1) / 2) * grid.spacingMm[2], ((dy - 1) / 2) * grid.spacingMm[1], ((dz - 1) / 2) * grid.spacingMm[0]];
  const lo = [grid.centreMm[0] - half[0]!, grid.centreMm[1] - half[1]!, grid.centreMm[2] - half[2]!];
  const range = (l: number, h: number, s: number, n: number): [number, number] => [Math.max(0, Math.ceil(l / s)), Math.min(n - 1, Math.floor(h / s))];
  const [i0, i1] = range(lo[0]!, grid.centreMm[0] + half[0]!, sx, nx);
  const [j0, j1] = range(lo[1]!, grid.centreMm[1] + half[1]!, sy, ny);
  const [k0, k1] = range(lo[2]!, grid.centreMm[2] + half[2]!, sz, nz);
  const offsets: number[] = [];
  for (let k = k0; k <= k1; k++) {
    const fz = Math.min(dz - 1.000001, (k * sz - lo[2]!) / grid.spacingMm[0]);
    const z0 = Math.floor(fz);
    const wz = fz - z0;
    for (let j = j0; j <= j1; j++) {
      const fy = Math.min(dy - 1.000001, (j * sy - lo[1]!) / grid.spacingMm[1]);
      const y0 = Math.floor(fy);
      const wy = fy - y0;
      for (let i = i0; i <= i1; i++) {
        const fx = Math.min(dx - 1.000001, (i * sx - lo[0]!) / grid.spacingMm[2]);
        const x0 = Math.floor(fx);
        const wx = fx - x0;
        const at = (z: number, y: number, x: number): number => probability[(z * dy + y) * dx + x]!;
        const p =
          (1 - wz) * ((1 - wy) * ((1 - wx) * at(z0, y0, x0) + wx * at(z0, y0, x0 + 1)) + wy * ((1 - wx) * at(z0, y0 + 1, x0) + wx * at(z0, y0 + 1, x0 + 1))) +
          wz *
            ((1 - wy) * ((1 - wx) * at(z0 + 1, y0, x0) + wx * at(z0 + 1, y0, x0 + 1)) +
              wy * ((1 - wx) * at(z0 + 1, y0 + 1, x0) + wx * at(z0 + 1, y0 + 1, x0 + 1)));
        if (p > 0.5) offsets.push(i + nx * (j + ny * k));
      }
    }
  }
  return { offsets: Int32Array.from(offsets) };
}

export interface CancellousSegmentation {
  grid: CropGrid;
  region: VoxelRegion;
  /** The crop the network saw (HU, [z][y][x] on the grid) and its cancellous probability there. */
  hu: Float32Array;
  probability: Float32Array;
}

/** Segments the cancellous bone of each located body with the 3-D SE residual U-Net (one crop per body, batched). */
export function segmentCancellous(
  tf: typeof tfTypes,
  network: tfTypes.LayersModel,
  volume: Volume3D,
  centresMm: readonly [number, number, number][],
): CancellousSegmentation[] {
  if (centresMm.length === 0) return [];
  const grids: CropGrid[] = centresMm.map((centreMm) => ({ centreMm: [...centreMm], size: SEGMENTATION_CROP.size, spacingMm: SEGMENTATION_CROP.spacingMm }));
  const hu = volume.data;
  const crops = grids.map((g) => sampleCrop(volume, (o) => hu[o]!, g, -1000));
  const inputs = crops.map((c) => segmentationInput(c));
  const [d, h, w] = SEGMENTATION_CROP.size;
  const channels = SEGMENTATION_WINDOWS_HU.length;
  const outputs = predictInBatches(
    tf,
    network,
    inputs.length,
    (start, size) => {
      const batch = new Float32Array(size * d * h * w * channels);
      for (let i = 0; i < size; i++) batch.set(inputs[start + i]!, i * d * h * w * channels);
      return tf.tensor5d(batch, [size, d, h, w, channels]);
    },
    3,
  );
  return grids.map((grid, i) => ({ grid, region: probabilityToRegion(volume, grid, outputs[i]!), hu: crops[i]!, probability: outputs[i]! }));
}

/** Dice of a region against the voxels of a label volume equal to `code`. */
export function regionDice(region: VoxelRegion, labels: ArrayLike<number>, code: number): number {
  let overlap = 0;
  for (const o of region.offsets) if (labels[o] === code) overlap++;
  let truth = 0;
  for (let p = 0; p < labels.length; p++) if (labels[p] === code) truth++;
  const total = region.offsets.length + truth;
  return total === 0 ? 1 : (2 * overlap) / total;
}

/** Mean and voxel count of the volume's values over a region. */
export function regionMean(volume: Volume3D, region: VoxelRegion): { mean: number; voxels: number } {
  let sum = 0;
  for (const o of region.offsets) sum += volume.data[o]!;
  return { mean: region.offsets.length > 0 ? sum / region.offsets.length : Number.NaN, voxels: region.offsets.length };
}
