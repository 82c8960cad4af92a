import type { SeededRandom } from '../../core/seeded-random.js';
import { gaussianBlur2D } from '../../imaging/gaussian-blur.js';

/**
 * Domain randomisation of the training inputs: the image networks see blur and noise the simulator
 * never makes, so they learn the anatomy rather than one simulator's sharpness and noise. Hospital CT
 * runs from 0.5 mm pixels and thin sharp-kernel slices to 3-5 mm resampled or PET/CT series (issue
 * 19; the real abdomen CT of the tests is 3 mm isotropic), so the ranges span that.
 */
export const CROP_DEGRADATION = {
  /** Share of crops degraded at all. */
  share: 0.6,
  /** In-plane Gaussian blur, sigma in crop pixels (1 mm): up to a 3 mm pixel's footprint. */
  inPlaneSigmaPx: [0.3, 1.3],
  /** Blur across slices, sigma in crop slices (2 mm): thick slices. */
  acrossSliceSigmaPx: [0, 0.8],
  /** Added Gaussian noise, HU (low-dose and thin-slice series reach 40-60 HU). */
  noiseHu: [0, 40],
} as const;

export const PROJECTION_DEGRADATION = {
  share: 0.5,
  /** Blur, sigma in projection pixels (2 mm). */
  sigmaPx: [0.3, 1.2],
  /** Added Gaussian noise, in the window's 0-1 units. */
  noise: [0, 0.03],
} as const;

/**
 * The projections' grey levels bent by a random gamma (log-uniform in this range, half the windows):
 * how bright bone stands against soft tissue in a MIP depends on the bone's wall thickness, the
 * voxel size and the kernel, which the simulator fixes (a real 3 mm abdomen CT shows its ribs dimmer
 * and its vertebral arches brighter than the simulator's).
 */
export const PROJECTION_GAMMA = { share: 0.5, range: [0.6, 1.6] } as const;

/** Bends a projection window's 0-1 grey levels by a random gamma, in place (half the windows stay as they are). */
export function applyProjectionGamma(data: Float32Array, random: SeededRandom): void {
  if (random.nextFloat() >= PROJECTION_GAMMA.share) return;
  const [low, high] = PROJECTION_GAMMA.range;
  const gamma = Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * random.nextFloat());
  for (let i = 0; i < data.length; i++) data[i] = data[i]! ** gamma;
}

function between(random: SeededRandom, [low, high]: readonly [number, number]): number {
  return low + (high - low) * random.nextFloat();
}

/** Blurs a [z][y][x] crop along z in place (clamped edges). */
function blurAcrossSlices(values: Float32Array, size: readonly [number, number, number], sigma: number): void {
  if (!(sigma > 0.05)) return;
  const [nz] = size;
  const plane = size[1] * size[2];
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const weights = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = weights.reduce((a, b) => a + b, 0);
  const source = values.slice();
  for (let k = 0; k < nz; k++) {
    for (let p = 0; p < plane; p++) {
      let sum = 0;
      for (let d = -radius; d <= radius; d++) sum += weights[d + radius]! * source[Math.min(nz - 1, Math.max(0, k + d)) * plane + p]!;
      values[k * plane + p] = sum / total;
    }
  }
}

/** A segmentation crop's HU ([z][y][x]) blurred and noised at random, in place; most crops stay as simulated. */
export function degradeCrop(hu: Float32Array, size: readonly [number, number, number], random: SeededRandom): void {
  if (random.nextFloat() >= CROP_DEGRADATION.share) return;
  const [nz, ny, nx] = size;
  const sigma = between(random, CROP_DEGRADATION.inPlaneSigmaPx);
  for (let k = 0; k < nz; k++) {
    const slice = hu.subarray(k * ny * nx, (k + 1) * ny * nx);
    gaussianBlur2D(slice, nx, ny, sigma);
  }
  blurAcrossSlices(hu, size, between(random, CROP_DEGRADATION.acrossSliceSigmaPx));
  const noise = between(random, CROP_DEGRADATION.noiseHu);
  for (let i = 0; i < hu.length; i++) hu[i] = hu[i]! + noise * random.nextNormal();
}

/** A projection window (0-1) blurred and noised at random, in place, kept in 0-1. */
export function degradeProjection(data: Float32Array, columns: number, rows: number, random: SeededRandom): void {
  if (random.nextFloat() >= PROJECTION_DEGRADATION.share) return;
  gaussianBlur2D(data, columns, rows, between(random, PROJECTION_DEGRADATION.sigmaPx));
  const noise = between(random, PROJECTION_DEGRADATION.noise);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, data[i]! + noise * random.nextNormal()));
}
