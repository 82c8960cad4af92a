import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
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

/**
 * The voxels of a crop-grid probability map above 0.5, in the native volume. A voxel no larger than
 * the grid's cell takes the probability at its centre (trilinear); a coarser voxel (a 3 mm series
 * on the 1 mm grid) counts only when the probability is above 0.5 across its footprint, at its
 * centre and at the corners of the part of it beyond one grid cell: a voxel straddling the cortex
 * or an endplate holds cortical bone or disc by partial volume and is not cancellous bone.
 */
export function probabilityToRegion(volume: Pick<Volume3D, 'size' | 'spacingMm'>, grid: CropGrid, probability: Float32Array): VoxelRegion {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const [dz, dy, dx] = grid.size;
  const [gz, gy, gx] = grid.spacingMm;
  const half = [((dx - 1) / 2) * gx, ((dy - 1) / 2) * gy, ((dz - 1) / 2) * gz];
  const lo = [grid.centreMm[0] - half[0]!, grid.centreMm[1] - half[1]!, grid.centreMm[2] - half[2]!];
  const range = (l: number, h: number, s: number, n: number): [number, number] => [Math.max(0, Math.ceil(l / s)), Math.min(n - 1, Math.floor(h / s))];
  const [i0, i1] = range(lo[0]!, grid.centreMm[0] + half[0]!, sx, nx);
  const [j0, j1] = range(lo[1]!, grid.centreMm[1] + half[1]!, sy, ny);
  const [k0, k1] = range(lo[2]!, grid.centreMm[2] + half[2]!, sz, nz);
  const at = (z: number, y: number, x: number): number => probability[(z * dy + y) * dx + x]!;
  /** Trilinear probability at index-mm (x, y, z), clamped to the grid. */
  const probabilityAt = (xMm: number, yMm: number, zMm: number): number => {
    const fz = Math.max(0, Math.min(dz - 1.000001, (zMm - lo[2]!) / gz));
    const fy = Math.max(0, Math.min(dy - 1.000001, (yMm - lo[1]!) / gy));
    const fx = Math.max(0, Math.min(dx - 1.000001, (xMm - lo[0]!) / gx));
    const [z0, y0, x0] = [Math.floor(fz), Math.floor(fy), Math.floor(fx)];
    const [wz, wy, wx] = [fz - z0, fy - y0, fx - x0];
    return (
      (1 - wz) * ((1 - wy) * ((1 - wx) * at(z0, y0, x0) + wx * at(z0, y0, x0 + 1)) + wy * ((1 - wx) * at(z0, y0 + 1, x0) + wx * at(z0, y0 + 1, x0 + 1))) +
      wz *
        ((1 - wy) * ((1 - wx) * at(z0 + 1, y0, x0) + wx * at(z0 + 1, y0, x0 + 1)) + wy * ((1 - wx) * at(z0 + 1, y0 + 1, x0) + wx * at(z0 + 1, y0 + 1, x0 + 1)))
    );
  };
  // Half the part of a voxel beyond one grid cell, per axis (0 for voxels no larger than a cell).
  const reach = [Math.max(0, sx - gx) / 2, Math.max(0, sy - gy) / 2, Math.max(0, sz - gz) / 2] as const;
  const corners = reach.every((r) => r === 0)
    ? []
    : [-1, 1].flatMap((a) => [-1, 1].flatMap((b) => [-1, 1].map((c) => [a * reach[0], b * reach[1], c * reach[2]] as const)));
  const offsets: number[] = [];
  for (let k = k0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const [x, y, z] = [i * sx, j * sy, k * sz];
        if (probabilityAt(x, y, z) <= 0.5) continue;
        if (corners.every(([ox, oy, oz]) => probabilityAt(x + ox, y + oy, z + oz) > 0.5)) offsets.push(i + nx * (j + ny * k));
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
  tf: TensorFlow,
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
