import { SEGMENTATION_CROP } from './ct-spine-networks.js';

/**
 * The DenseNet's grid: the segmentation crop pooled 2x in-plane, [z, y, x] 20 x 24 x 24 voxels of
 * 2 mm (the same 40 x 48 x 48 mm, the same centre).
 */
export const REGRESSION_CROP = {
  size: [SEGMENTATION_CROP.size[0], SEGMENTATION_CROP.size[1] / 2, SEGMENTATION_CROP.size[2] / 2] as [number, number, number],
  spacingMm: [2, 2, 2] as [number, number, number],
} as const;
/**
 * Channels: the (eroded) cancellous probability, and that probability times the voxel's mineral under the
 * phantomless calibration, divided by the crop's mean probability: pooled over the crop, the second
 * channel is then the probability-weighted mean mineral (what QCT reports), whatever the body's
 * size, so the network learns corrections to a mean rather than a division.
 */
export const REGRESSION_CHANNELS = 2;
/** mg/cm3 of the mineral channel's 1 (adult cancellous bone is 50-250 mg/cm3). */
export const REGRESSION_MINERAL_SCALE_MG = 200;
/** mg/cm3 of the network's output 1. */
export const REGRESSION_OUTPUT_SCALE_MG = 100;

/**
 * One level's DenseNet input from the segmentation stage's crop (HU) and probability ([z][y][x] on
 * SEGMENTATION_CROP): the probability inside the segmentation eroded by one grid voxel (as the
 * calibration methods measure: away from the cortex's blur), pooled 2x2 in-plane, channels last.
 * The HU go through the scan's phantomless calibration first, so the network sees mineral, not one
 * scanner's HU scale: the paper trained on one scanner, openbmd's cohorts mix them.
 */
export function vbmdRegressionInput(hu: Float32Array, probability: Float32Array, mineralMgPerCm3: (hu: number) => number): Float32Array {
  const [dz, dy, dx] = SEGMENTATION_CROP.size;
  const [, ry, rx] = REGRESSION_CROP.size;
  const out = new Float32Array(dz * ry * rx * REGRESSION_CHANNELS);
  let probabilitySum = 0;
  const weight = erodedProbability(probability);
  for (let z = 0; z < dz; z++) {
    for (let y = 0; y < ry; y++) {
      for (let x = 0; x < rx; x++) {
        let p = 0;
        let mineral = 0;
        for (let j = 0; j < 2; j++) {
          for (let i = 0; i < 2; i++) {
            const o = (z * dy + 2 * y + j) * dx + 2 * x + i;
            const q = weight[o]!;
            p += q;
            mineral += q * mineralMgPerCm3(hu[o]!);
          }
        }
        const at = ((z * ry + y) * rx + x) * REGRESSION_CHANNELS;
        out[at] = p / 4;
        out[at + 1] = mineral / 4 / REGRESSION_MINERAL_SCALE_MG;
        probabilitySum += p / 4;
      }
    }
  }
  normaliseMineralChannel(out, probabilitySum / (dz * ry * rx));
  return out;
}

/** The probability where the voxel and its six neighbours are inside the segmentation (> 0.5), else 0. */
export function erodedProbability(probability: Float32Array): Float32Array {
  const [dz, dy, dx] = SEGMENTATION_CROP.size;
  const out = new Float32Array(probability.length);
  const inside = (z: number, y: number, x: number): boolean =>
    z >= 0 && y >= 0 && x >= 0 && z < dz && y < dy && x < dx && probability[(z * dy + y) * dx + x]! > 0.5;
  for (let z = 0; z < dz; z++) {
    for (let y = 0; y < dy; y++) {
      for (let x = 0; x < dx; x++) {
        if (
          inside(z, y, x) &&
          inside(z - 1, y, x) &&
          inside(z + 1, y, x) &&
          inside(z, y - 1, x) &&
          inside(z, y + 1, x) &&
          inside(z, y, x - 1) &&
          inside(z, y, x + 1)
        )
          out[(z * dy + y) * dx + x] = probability[(z * dy + y) * dx + x]!;
      }
    }
  }
  return out;
}

/** Divides the mineral channel by the crop's mean probability (left as is when nothing was segmented). */
function normaliseMineralChannel(input: Float32Array, meanProbability: number): void {
  if (!(meanProbability > 1e-6)) return;
  for (let i = 1; i < input.length; i += REGRESSION_CHANNELS) input[i] = input[i]! / meanProbability;
}

/** The input mirrored left-right (x) and/or upside down (z), for augmentation: the mean mineral of a vertebra does not change. */
export function mirrorRegressionInput(input: Float32Array, flip: { x: boolean; z: boolean } = { x: true, z: false }): Float32Array {
  const [dz, ry, rx] = REGRESSION_CROP.size;
  const out = new Float32Array(input.length);
  for (let z = 0; z < dz; z++) {
    const fromZ = flip.z ? dz - 1 - z : z;
    for (let y = 0; y < ry; y++) {
      for (let x = 0; x < rx; x++) {
        const fromX = flip.x ? rx - 1 - x : x;
        for (let c = 0; c < REGRESSION_CHANNELS; c++)
          out[((z * ry + y) * rx + x) * REGRESSION_CHANNELS + c] = input[((fromZ * ry + y) * rx + fromX) * REGRESSION_CHANNELS + c]!;
      }
    }
  }
  return out;
}
