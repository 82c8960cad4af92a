import { OpenBmdError } from '../core/errors.js';

/**
 * Overlap of a predicted binary mask with the reference (any non-zero sample is foreground).
 * Policy for empty masks: when both are empty, Dice and IoU are 1 (they agree there is nothing);
 * recall is NaN when the reference is empty, precision NaN when the prediction is.
 */
export interface MaskOverlap {
  dice: number;
  iou: number;
  pixelAccuracy: number;
  recall: number;
  precision: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
}

export function maskOverlap(predicted: ArrayLike<number>, reference: ArrayLike<number>): MaskOverlap {
  if (predicted.length !== reference.length) {
    throw new OpenBmdError('INVALID_VALUE', `mask overlap: masks differ in size (${predicted.length} vs ${reference.length})`);
  }
  if (predicted.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'mask overlap: empty masks');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < predicted.length; i += 1) {
    const p = predicted[i] !== 0;
    const r = reference[i] !== 0;
    if (p && r) tp += 1;
    else if (p) fp += 1;
    else if (r) fn += 1;
  }
  const tn = predicted.length - tp - fp - fn;
  const union = tp + fp + fn;
  return {
    dice: union === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
    iou: union === 0 ? 1 : tp / union,
    pixelAccuracy: (tp + tn) / predicted.length,
    recall: tp + fn === 0 ? Number.NaN : tp / (tp + fn),
    precision: tp + fp === 0 ? Number.NaN : tp / (tp + fp),
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
  };
}

/**
 * Peak signal-to-noise ratio in dB, 10 log10(peak^2 / MSE), with `peak` the largest value the
 * data can take (e.g. 1 for normalised images, 255 for 8-bit). Infinite for identical images.
 */
export function peakSignalToNoiseDb(test: ArrayLike<number>, reference: ArrayLike<number>, peak: number): number {
  if (test.length !== reference.length) {
    throw new OpenBmdError('INVALID_VALUE', `PSNR: images differ in size (${test.length} vs ${reference.length})`);
  }
  if (test.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'PSNR: empty images');
  if (!(peak > 0)) throw new OpenBmdError('INVALID_VALUE', `PSNR: peak must be positive, got ${peak}`);
  let squares = 0;
  for (let i = 0; i < test.length; i += 1) squares += (test[i]! - reference[i]!) ** 2;
  const mse = squares / test.length;
  return 10 * Math.log10((peak * peak) / mse);
}
