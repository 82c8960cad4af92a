import type { SeededRandom } from '../core/seeded-random.js';
import { gaussianBlur2D } from '../imaging/gaussian-blur.js';
import { blurredNoiseSd } from './blurred-noise-sd.js';
import type { VoxelGrid } from './phantom/voxelise.js';

/**
 * The mottled look of cancellous bone on clinical CT: trabeculae and marrow spaces (trabecular
 * separation 0.6-1.2 mm in lumbar vertebrae) are below the voxel size, but their local density
 * varies over millimetres, so a real vertebral body is not one flat grey. Modelled as a zero-mean
 * random field, Gaussian-correlated over `grainMm` in-plane, independent between slices at least
 * as thick as the grain (a thick slice averages it, so its amplitude falls as sqrt(grain /
 * thickness)), added to the voxels whose centre lies in a textured region. Its sd is given as
 * mineral (mg/cm3 of hydroxyapatite, at a slice as thin as the grain) per region and turned into HU
 * at the scan's energy: the texture is the trabeculae's mineral, so denser bone mottles more, and
 * marrow fat, which lowers the region's HU, does not damp it. Zero mean, so a region's mean HU and
 * the QCT truth (the region's mineral) are unchanged.
 */
export interface TrabecularTexture {
  /** Texture sd as hydroxyapatite, mg/cm3, per region index (0: untextured). */
  readonly mineralSdMgPerCm3ByRegion: Float64Array;
  /** Correlation length (Gaussian sigma) of the local density, mm. */
  readonly grainMm: number;
}

/** Adds the texture in place to voxelised values (HU), over the bounding box of the textured voxels only. */
export function addTrabecularTexture(o: {
  values: Float32Array;
  regions: Uint8Array;
  /** HU per mg/cm3 of hydroxyapatite at the scan's energy. */
  huPerMgPerCm3: number;
  grid: VoxelGrid;
  texture: TrabecularTexture;
  random: SeededRandom;
}): void {
  const { values, regions, grid, texture, random } = o;
  const { columns, rows, slices } = grid;
  const amplitude = Float64Array.from(texture.mineralSdMgPerCm3ByRegion, (mg) => mg * o.huPerMgPerCm3);
  let [i0, j0, k0, i1, j1, k1] = [columns, rows, slices, -1, -1, -1];
  let p = 0;
  for (let k = 0; k < slices; k++)
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < columns; i++, p++)
        if ((amplitude[regions[p]!] ?? 0) > 0) {
          i0 = Math.min(i0, i);
          i1 = Math.max(i1, i);
          j0 = Math.min(j0, j);
          j1 = Math.max(j1, j);
          k0 = Math.min(k0, k);
          k1 = Math.max(k1, k);
        }
  if (i1 < 0) return;
  const width = i1 - i0 + 1;
  const height = j1 - j0 + 1;
  const sigmaPx = texture.grainMm / grid.spacingMm[0];
  const thickness = Math.min(1, Math.sqrt(texture.grainMm / grid.spacingMm[2]));
  // Unit sd after the in-plane blur (the blur's variance reduction undone), then the slice's averaging.
  const gain = thickness / blurredNoiseSd(sigmaPx);
  const field = new Float32Array(width * height);
  for (let k = k0; k <= k1; k++) {
    for (let q = 0; q < field.length; q++) field[q] = random.nextNormal();
    gaussianBlur2D(field, width, height, sigmaPx);
    for (let j = 0; j < height; j++)
      for (let i = 0; i < width; i++) {
        const at = i0 + i + columns * (j0 + j + rows * k);
        const a = amplitude[regions[at]!] ?? 0;
        if (a > 0) values[at] = values[at]! + a * gain * field[i + width * j]!;
      }
  }
}
