import type { Volume3D } from '../../core/volume3d.js';
import type { VoxelRegion } from './segment-cancellous.js';

/**
 * Above this a voxel is metal or radiopaque cement, not bone, HU. Cortical bone (ICRU-44, 1.92
 * g/cm3) reads about 1,100-1,900 HU across 80-140 kVp and calcified plaque less; steel and titanium
 * screws read above 3,000 (many scanners clip there) and barium-loaded vertebroplasty cement
 * 2,000-3,000.
 */
export const DENSE_IMPLANT_HU = 2000;

/** This much material above DENSE_IMPLANT_HU in or beside a body makes the level unmeasurable, mm3 (a 6.5 mm screw holds about 33 mm3 per mm). */
export const MIN_DENSE_IMPLANT_MM3 = 30;

/** How far beyond the segmented cancellous bone the search reaches, mm: the cortex, and a screw's path through the pedicle into the body. */
export const DENSE_IMPLANT_MARGIN_MM = 5;

export interface DenseImplantReading {
  /** Volume of voxels above DENSE_IMPLANT_HU in the searched box, mm3. */
  readonly denseMm3: number;
  readonly maxHu: number;
}

/**
 * Metal (pedicle screws, a vertebral body replacement) or cement (vertebroplasty) in a level's
 * body: the volume above DENSE_IMPLANT_HU in the box around its segmented cancellous bone, widened
 * by DENSE_IMPLANT_MARGIN_MM. QCT does not measure an instrumented or cemented vertebra: its HU are
 * the implant's and its streaks'.
 */
export function denseImplantNear(volume: Pick<Volume3D, 'data' | 'size' | 'spacingMm'>, region: VoxelRegion): DenseImplantReading {
  const [nx, ny, nz] = volume.size;
  if (region.offsets.length === 0) return { denseMm3: 0, maxHu: -Infinity };
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const o of region.offsets) {
    const i = o % nx;
    const j = Math.floor(o / nx) % ny;
    const k = Math.floor(o / (nx * ny));
    const index = [i, j, k];
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, index[a]!);
      hi[a] = Math.max(hi[a]!, index[a]!);
    }
  }
  const sizes = [nx, ny, nz];
  const [i0, j0, k0] = lo.map((v, a) => Math.max(0, v - Math.ceil(DENSE_IMPLANT_MARGIN_MM / volume.spacingMm[a as 0 | 1 | 2])));
  const [i1, j1, k1] = hi.map((v, a) => Math.min(sizes[a]! - 1, v + Math.ceil(DENSE_IMPLANT_MARGIN_MM / volume.spacingMm[a as 0 | 1 | 2])));
  let count = 0;
  let maxHu = -Infinity;
  for (let k = k0!; k <= k1!; k++)
    for (let j = j0!; j <= j1!; j++) {
      const row = nx * (j + ny * k);
      for (let i = i0!; i <= i1!; i++) {
        const hu = volume.data[row + i]!;
        if (hu > maxHu) maxHu = hu;
        if (hu > DENSE_IMPLANT_HU) count++;
      }
    }
  return { denseMm3: count * volume.spacingMm[0] * volume.spacingMm[1] * volume.spacingMm[2], maxHu };
}
