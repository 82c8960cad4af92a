import { concatFloat32 } from '../../core/concat-float32.js';
import type { SeededRandom } from '../../core/seeded-random.js';
import { landmarkHeatmaps } from '../../nn/architectures/spatial-configuration-net.js';
import type { AugmentationRanges, Affine } from '../../nn/training/image-augmentation.js';
import { adjustIntensity, drawAugmentation, transformPoint, warpImage } from '../../nn/training/image-augmentation.js';
import type { HostBatch, TrainingData } from '../../nn/training/training-data.js';
import type { Point } from './forearm-roi-geometry.js';
import { COARSE_SIGMA_PX, FINE_CROP, FINE_SIGMA_PX, HEATMAP_AMPLITUDE, SEGMENTATION_CLASSES, WHOLE_GRID } from './forearm-networks.js';
import { foregroundShare, removeBackground } from './forearm-segmentation.js';
import type { ForearmTrainingSample } from './forearm-training-samples.js';

/**
 * Augmentation of the whole radiograph: positioning varies (rotation, shift, magnification), the
 * hand is always the same way up and the same side (the simulator's and a clinic's protocol), so
 * no flips; exposure and processing vary (brightness, contrast).
 */
const WHOLE_AUGMENTATION: AugmentationRanges = {
  rotationDeg: 10,
  shearDeg: 3,
  translationFraction: 0.06,
  scaleFraction: 0.1,
  brightness: 0.2,
  contrast: 0.2,
  horizontalFlip: false,
  verticalFlip: false,
};

/** The fine crop moves within its context by about the coarse stage's error (+-15 px = +-6 mm). */
const FINE_AUGMENTATION: AugmentationRanges = {
  rotationDeg: 10,
  shearDeg: 3,
  translationFraction: 0.12,
  scaleFraction: 0.1,
  brightness: 0.2,
  contrast: 0.2,
  horizontalFlip: false,
  verticalFlip: false,
};

const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];
const CLASSES = SEGMENTATION_CLASSES.length;

function draw(
  ranges: AugmentationRanges,
  columns: number,
  rows: number,
  random: SeededRandom | undefined,
): { forward: Affine; brightness: number; contrast: number } {
  if (random === undefined) return { forward: IDENTITY, brightness: 1, contrast: 1 };
  const d = drawAugmentation(ranges, columns, rows, random);
  return { forward: d.forward, brightness: d.brightnessFactor, contrast: d.contrastFactor };
}

function augmentedInput(data: Float32Array, columns: number, rows: number, a: ReturnType<typeof draw>): Float32Array {
  const out = warpImage(data, columns, rows, 1, a.forward, 'bilinear', 0);
  adjustIntensity(out, a.brightness, a.contrast);
  return out;
}

/** Class shares warped with the image; outside the image is background. */
function augmentedShares(shares: Float32Array, a: ReturnType<typeof draw>): Float32Array {
  const out = warpImage(shares, WHOLE_GRID.columns, WHOLE_GRID.rows, CLASSES, a.forward, 'bilinear', 0);
  for (let k = 0; k < out.length; k += CLASSES) {
    let others = 0;
    for (let c = 1; c < CLASSES; c++) others += out[k + c]!;
    out[k] = Math.max(0, 1 - others);
  }
  return out;
}

/** Background removal's training data: whole radiographs -> class shares. */
export function segmentationTrainingData(samples: readonly ForearmTrainingSample[]): TrainingData {
  const { columns, rows } = WHOLE_GRID;
  return {
    count: samples.length,
    batch(indices, random): HostBatch {
      const inputs: Float32Array[] = [];
      const targets: Float32Array[] = [];
      for (const i of indices) {
        const s = samples[i]!;
        const a = draw(WHOLE_AUGMENTATION, columns, rows, random);
        inputs.push(augmentedInput(s.whole, columns, rows, a));
        targets.push(augmentedShares(s.segmentation, a));
      }
      return {
        inputs: [{ data: concatFloat32(inputs), shape: [indices.length, rows, columns, 1] }],
        targets: { data: concatFloat32(targets), shape: [indices.length, rows, columns, CLASSES] },
      };
    },
  };
}

/** The coarse SCN's training data: background-removed whole radiographs -> two heat maps. */
export function coarseLandmarkTrainingData(samples: readonly ForearmTrainingSample[], backgroundRemoval = true): TrainingData {
  const { columns, rows } = WHOLE_GRID;
  const masked = samples.map((s) => (backgroundRemoval ? removeBackground(s.whole, foregroundShare(s.segmentation)) : s.whole));
  return landmarkData(samples.length, columns, rows, WHOLE_AUGMENTATION, COARSE_SIGMA_PX, (i) => ({
    input: masked[i]!,
    points: samples[i]!.wholeKeyPoints,
    crop: 0,
  }));
}

/** The fine SCN's training data: a FINE_CROP.size crop moved within the context crop -> two heat maps. */
export function fineLandmarkTrainingData(samples: readonly ForearmTrainingSample[]): TrainingData {
  const size = FINE_CROP.contextSize;
  return landmarkData(samples.length, size, size, FINE_AUGMENTATION, FINE_SIGMA_PX, (i) => ({
    input: samples[i]!.context,
    points: samples[i]!.contextKeyPoints,
    crop: (FINE_CROP.contextSize - FINE_CROP.size) / 2,
  }));
}

/**
 * Heat-map training data: the source image warped by the augmentation, then (for the fine stage)
 * its central crop; the key points go through the same transform.
 */
function landmarkData(
  count: number,
  columns: number,
  rows: number,
  ranges: AugmentationRanges,
  sigma: number,
  source: (i: number) => { input: Float32Array; points: [Point, Point]; crop: number },
): TrainingData {
  return {
    count,
    batch(indices, random): HostBatch {
      const inputs: Float32Array[] = [];
      const targets: Float32Array[] = [];
      let outColumns = columns;
      let outRows = rows;
      for (const i of indices) {
        const s = source(i);
        const a = draw(ranges, columns, rows, random);
        const warped = augmentedInput(s.input, columns, rows, a);
        outColumns = columns - 2 * s.crop;
        outRows = rows - 2 * s.crop;
        const cropped = s.crop === 0 ? warped : cropCentre(warped, columns, s.crop);
        const points = s.points.map((p) => {
          const q = transformPoint(a.forward, p);
          return [q[0] - s.crop, q[1] - s.crop] as Point;
        });
        inputs.push(cropped);
        targets.push(landmarkHeatmaps(points, outColumns, outRows, sigma).map((v) => v * HEATMAP_AMPLITUDE));
      }
      return {
        inputs: [{ data: concatFloat32(inputs), shape: [indices.length, outRows, outColumns, 1] }],
        targets: { data: concatFloat32(targets), shape: [indices.length, outRows, outColumns, 2] },
      };
    },
  };
}

function cropCentre(data: Float32Array, columns: number, margin: number): Float32Array {
  const rows = data.length / columns;
  const w = columns - 2 * margin;
  const h = rows - 2 * margin;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) out.set(data.subarray((y + margin) * columns + margin, (y + margin) * columns + margin + w), y * w);
  return out;
}
