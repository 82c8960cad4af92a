import type { SeededRandom } from '../core/seeded-random.js';
import { gaussianBlur2D } from '../imaging/gaussian-blur.js';
import { blurredNoiseSd } from './blurred-noise-sd.js';
import type { TrabecularTexture } from './trabecular-texture.js';
import { addTrabecularTexture } from './trabecular-texture.js';
import { effectiveEnergyKeV } from './ct-effective-energy.js';
import { hounsfieldUnits, hydroxyapatiteHuPerMgPerCm3 } from './ct-numbers.js';
import { acquireProjectionCtValues } from './ct-reconstruction/projection-acquisition.js';
import type { CtScannerProfile } from './ct-scanner-profile.js';
import type { MaterialCatalog } from './material-catalog.js';
import type { DigitalPhantom } from './phantom/digital-phantom.js';
import type { VoxelGrid } from './phantom/voxelise.js';
import { voxelisePhantom } from './phantom/voxelise.js';

export interface CtAcquisitionOptions {
  /** Relative dose (1 = the profile's reference); noise sd scales with 1/sqrt(dose). */
  doseFactor: number;
  /** Water-equivalent diameter of the patient, cm: sets beam hardening (effective energy) and noise. */
  waterEquivalentDiameterCm: number;
  /** In-plane sub-rays per voxel side for partial volume (2 gives 4 per voxel). */
  supersample?: number;
  /**
   * `effective-energy` (default): every region at one energy, Gaussian noise and kernel blur;
   * `projection`: polychromatic projection and filtered back-projection (beam hardening, streaks).
   */
  physics?: CtPhysics;
  /** Cancellous bone's mottle (effective-energy physics only), drawn from its own stream; none when absent. */
  texture?: { texture: TrabecularTexture; random: SeededRandom };
}

export type CtPhysics = 'effective-energy' | 'projection';

/** What was done to make the volume, for the truth file. */
export interface CtAcquisitionRecord {
  scanner: string;
  kVp: number;
  effectiveEnergyKeV: number;
  noiseSdHu: number;
  huOffset: number;
  huScale: number;
  kernelSigmaMm: number;
  /** How the HU were made (CtAcquisitionOptions.physics); the effective energy is nominal under projection. */
  physics: CtPhysics;
}

export interface CtAcquisition {
  /** HU as the scanner reports them (with its calibration error), rounded, -1024..3071. */
  readonly hu: Int16Array;
  /** Region at each voxel centre (OUTSIDE_REGION where air). */
  readonly regions: Uint8Array;
  /** The exact HU of each region at the effective energy (before blur, noise and scanner error). */
  readonly regionHu: Float64Array;
  readonly record: CtAcquisitionRecord;
}

/**
 * A CT scan of a phantom: linear attenuation at the effective energy of the scanner's beam hardened
 * by the patient (so bone's HU per mg/cm3 depends on kVp and size, as in practice) -> HU, partial
 * volume by exact voxelisation, the kernel's in-plane blur, correlated Gaussian noise whose sd
 * grows with patient size and falls with dose, and the scanner's residual HU offset and scale.
 */
export function acquireCtVolume(
  catalog: MaterialCatalog,
  phantom: DigitalPhantom,
  grid: VoxelGrid,
  scanner: CtScannerProfile,
  options: CtAcquisitionOptions,
  random: SeededRandom,
): CtAcquisition {
  const energy = effectiveEnergyKeV(catalog, scanner.kVp, scanner.aluminiumMm, options.waterEquivalentDiameterCm);
  const regionHu = Float64Array.from(phantom.regions.map((r) => hounsfieldUnits(catalog, r.composition, energy)));
  const { values, regions } = voxelisePhantom(phantom, grid, regionHu, -1000, options.supersample ?? 2);
  const water = catalog.get('water');
  const muWaterPerCm = water.densityGPerCm3 * water.massAttenuation(energy);
  const noiseSd = (scanner.noiseSdHu / Math.sqrt(options.doseFactor)) * Math.exp(0.5 * muWaterPerCm * (options.waterEquivalentDiameterCm - 30));
  const huOffset = scanner.huOffset + 2 * random.nextNormal();
  const huScale = scanner.huScale * (1 + 0.005 * random.nextNormal());
  const [columns, rows] = [grid.columns, grid.rows];
  const plane = columns * rows;
  const record = {
    scanner: scanner.id,
    kVp: scanner.kVp,
    effectiveEnergyKeV: energy,
    noiseSdHu: noiseSd,
    huOffset,
    huScale,
    kernelSigmaMm: scanner.kernelSigmaMm,
  };
  if (options.physics === 'projection') {
    const projected = acquireProjectionCtValues(
      catalog,
      phantom,
      grid,
      scanner,
      { doseFactor: options.doseFactor, supersample: options.supersample ?? 2, huScale, huOffset },
      random,
    );
    const hu = Int16Array.from(projected, storedHu);
    return { hu, regions, regionHu, record: { ...record, physics: 'projection' } };
  }
  if (options.texture !== undefined) {
    const huPerMgPerCm3 = hydroxyapatiteHuPerMgPerCm3(catalog, energy);
    addTrabecularTexture({ values, regions, huPerMgPerCm3, grid, texture: options.texture.texture, random: options.texture.random });
  }
  const pixelMm = grid.spacingMm[0];
  const blurPx = scanner.kernelSigmaMm / pixelMm;
  // Quantum noise enters the projections and is shaped by the same kernel as the anatomy, so it is
  // added before the blur with the gain that gives the target sd after it.
  const noiseGain = noiseSd / blurredNoiseSd(blurPx);
  const hu = new Int16Array(plane * grid.slices);
  // Normal deviates from a table of 65,536 drawn once, picked by random 16-bit indices: the same
  // Gaussian texture at a fraction of the cost of Box-Muller per voxel (tens of millions of them).
  const table = new Float32Array(65536);
  for (let i = 0; i < table.length; i++) table[i] = noiseGain * random.nextNormal();
  for (let k = 0; k < grid.slices; k++) {
    const slice = values.subarray(k * plane, (k + 1) * plane);
    for (let p = 0; p + 1 < plane; p += 2) {
      const bits = random.nextUint32();
      slice[p] = slice[p]! + table[bits & 0xffff]!;
      slice[p + 1] = slice[p + 1]! + table[bits >>> 16]!;
    }
    if (plane % 2 === 1) slice[plane - 1] = slice[plane - 1]! + table[random.nextUint32() & 0xffff]!;
    gaussianBlur2D(slice, columns, rows, blurPx);
    const out = k * plane;
    for (let p = 0; p < plane; p++) {
      hu[out + p] = storedHu(huScale * slice[p]! + huOffset);
    }
  }
  return {
    hu,
    regions,
    regionHu,
    record: { ...record, physics: 'effective-energy' },
  };
}

/** HU as a scanner stores them: rounded, within the 12-bit range -1024..3071. */
function storedHu(value: number): number {
  const v = Math.round(value);
  return v < -1024 ? -1024 : v > 3071 ? 3071 : v;
}
