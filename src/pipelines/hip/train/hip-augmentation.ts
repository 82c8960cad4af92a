import type { AugmentationRanges } from '../../../nn/training/image-augmentation.js';

/**
 * Seed 001's augmentation made milder: the field is already a hip's (its position varies by a few
 * centimetres, its processing by vendor); flips are left out because every hip is seen as a left one.
 */
export const HIP_AUGMENTATION: AugmentationRanges = {
  rotationDeg: 10,
  shearDeg: 4,
  translationFraction: 0.08,
  scaleFraction: 0.1,
  brightness: 0.3,
  contrast: 0.3,
  horizontalFlip: false,
  verticalFlip: false,
};
