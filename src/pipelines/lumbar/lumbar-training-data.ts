import { concatFloat32 } from '../../core/concat-float32.js';
import type { SeededRandom } from '../../core/seeded-random.js';
import { BMD_CATEGORIES } from '../../clinical/measurement-columns.js';
import type { AugmentationRanges } from '../../nn/training/image-augmentation.js';
import { adjustIntensity, drawAugmentation, warpImage } from '../../nn/training/image-augmentation.js';
import { addAbdominalClutter } from '../../nn/training/abdominal-clutter.js';
import type { HostBatch, TrainingData } from '../../nn/training/training-data.js';
import type { BmdInput } from './bmd-network-io.js';
import { COVARIATES, CROP, CROP_CHANNELS, LOCATOR_CHANNELS, LOCATOR_CLASSES, LOCATOR_GRID, OUTPUT_SCALES, variantViews } from './lumbar-networks.js';
import type { LumbarVariant, LumbarView } from './lumbar-networks.js';
import type { LumbarTrainingSample } from './lumbar-training-samples.js';
import { LOCAL_CONTRAST_SIGMA_PX, localContrast } from './locate-lumbar-levels.js';

/**
 * The locator's augmentation: positioning varies (rotation, shift, magnification), a radiograph may
 * be displayed mirrored (an AP read as PA, a right lateral), exposure and processing vary, and bowel
 * gas, lines and tubes lie over the spine (abdominal-clutter.ts). The head is always up: no vertical flips.
 */
const LOCATOR_AUGMENTATION: AugmentationRanges = {
  rotationDeg: 8,
  shearDeg: 3,
  translationFraction: 0.08,
  scaleFraction: 0.12,
  brightness: 0.2,
  contrast: 0.25,
  horizontalFlip: true,
  verticalFlip: false,
};

/** A view's locator training data: whole radiographs -> class shares of T12-L5, warped together. */
export function locatorTrainingData(samples: readonly LumbarTrainingSample[], view: LumbarView): TrainingData {
  const { columns, rows } = LOCATOR_GRID;
  const classes = LOCATOR_CLASSES.length;
  const kept = samples.flatMap((s) => (s.views[view] === undefined ? [] : [s.views[view]]));
  return {
    count: kept.length,
    batch(indices, random: SeededRandom | undefined): HostBatch {
      const inputs: Float32Array[] = [];
      const targets: Float32Array[] = [];
      for (const i of indices) {
        const s = kept[i]!;
        if (random === undefined) {
          inputs.push(s.locatorInput);
          targets.push(s.shares);
          continue;
        }
        const a = drawAugmentation(LOCATOR_AUGMENTATION, columns, rows, random);
        // Only the radiograph's channel is warped: exposure varies it, clutter is drawn on it, and its
        // local contrast is computed from it as at inference (the warp's fill and the clutter change it).
        const stored = s.locatorInput.filter((_, k) => k % LOCATOR_CHANNELS === 0);
        const grey = warpImage(stored, columns, rows, 1, a.forward, 'bilinear', 0);
        adjustIntensity(grey, a.brightnessFactor, a.contrastFactor);
        addAbdominalClutter({ grey, columns, rows, random });
        const contrast = localContrast(grey, columns, rows, LOCAL_CONTRAST_SIGMA_PX);
        const input = new Float32Array(grey.length * LOCATOR_CHANNELS);
        for (let k = 0; k < grey.length; k++) {
          input[k * LOCATOR_CHANNELS] = grey[k]!;
          input[k * LOCATOR_CHANNELS + 1] = contrast[k]!;
        }
        const shares = warpImage(s.shares, columns, rows, classes, a.forward, 'bilinear', 0);
        for (let k = 0; k < shares.length; k += classes) {
          let others = 0;
          for (let c = 1; c < classes; c++) others += shares[k + c]!;
          shares[k] = Math.max(0, 1 - others);
        }
        inputs.push(input);
        targets.push(shares);
      }
      return {
        inputs: [{ data: concatFloat32(inputs), shape: [indices.length, rows, columns, LOCATOR_CHANNELS] }],
        targets: { data: concatFloat32(targets), shape: [indices.length, rows, columns, classes] },
      };
    },
  };
}

/** The BMD network's truth row: standardised aBMDs, their masks, the one-hot WHO class (maskedL1AndSoftmaxLoss's layout). */
export function bmdTruthRow(s: Pick<LumbarTrainingSample, 'lumbarAbmd' | 'femneckAbmd' | 'category'>): Float32Array {
  const row = new Float32Array(4 + BMD_CATEGORIES.length);
  if (s.lumbarAbmd !== undefined) {
    row[0] = (s.lumbarAbmd - OUTPUT_SCALES.lumbar_abmd.mean) / OUTPUT_SCALES.lumbar_abmd.sd;
    row[2] = 1;
  }
  if (s.femneckAbmd !== undefined) {
    row[1] = (s.femneckAbmd - OUTPUT_SCALES.femneck_abmd.mean) / OUTPUT_SCALES.femneck_abmd.sd;
    row[3] = 1;
  }
  if (s.category !== undefined) row[4 + BMD_CATEGORIES.indexOf(s.category)] = 1;
  return row;
}

/** The crops' light augmentation: the ROI drawn a little differently (shift, scale, rotation) and exposed a little differently. */
const CROP_AUGMENTATION: AugmentationRanges = {
  rotationDeg: 4,
  shearDeg: 0,
  translationFraction: 0.03,
  scaleFraction: 0.05,
  brightness: 0.08,
  contrast: 0,
  horizontalFlip: false,
  verticalFlip: false,
};

/** Every channel warped alike; the whole-scale channels (odd) take the brightness factor, the equalised ones (even) do not. */
function augmentCrops(crops: Float32Array, random: SeededRandom): Float32Array {
  const a = drawAugmentation(CROP_AUGMENTATION, CROP.size, CROP.size, random);
  const out = warpImage(crops, CROP.size, CROP.size, CROP_CHANNELS, a.forward, 'bilinear', 0);
  for (let k = 1; k < out.length; k += 2) out[k]! *= a.brightnessFactor;
  return out;
}

/** The BMD network's training data for a variant: its views' crops and the covariates -> truth rows. */
export function bmdTrainingData(o: { inputs: readonly BmdInput[]; truths: readonly Float32Array[]; variant: LumbarVariant }): TrainingData {
  const views = variantViews(o.variant);
  return {
    count: o.inputs.length,
    batch(indices, random: SeededRandom | undefined): HostBatch {
      const viewData = views.map((view) =>
        concatFloat32(indices.map((i) => (random === undefined ? o.inputs[i]!.crops[view]! : augmentCrops(o.inputs[i]!.crops[view]!, random)))),
      );
      return {
        inputs: [
          ...viewData.map((data) => ({ data, shape: [indices.length, CROP.size, CROP.size, CROP_CHANNELS] })),
          { data: concatFloat32(indices.map((i) => o.inputs[i]!.covariates)), shape: [indices.length, o.inputs[0]?.covariates.length ?? COVARIATES.length] },
        ],
        targets: { data: concatFloat32(indices.map((i) => o.truths[i]!)), shape: [indices.length, o.truths[0]?.length ?? 0] },
      };
    },
  };
}
