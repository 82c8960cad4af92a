import { classSharesOnGrid, labelsFromGridProbabilities } from '../../imaging/grid-class-shares.js';
import type { NetworkGrid } from '../../imaging/network-grid.js';
import { SEGMENTATION_CLASSES } from './forearm-networks.js';

const CLASSES = SEGMENTATION_CLASSES.length;

/** Segmentation targets of the three forearm classes on a grid (classSharesOnGrid). */
export function segmentationTargets(labels: ArrayLike<number>, imageSize: readonly [number, number], g: NetworkGrid): Float32Array {
  return classSharesOnGrid({ labels, imageSize, grid: g, classes: CLASSES });
}

/** Forearm labels at image resolution from grid class probabilities (labelsFromGridProbabilities). */
export function labelsFromProbabilities(probabilities: Float32Array, g: NetworkGrid, imageSize: readonly [number, number]): Uint8Array {
  return labelsFromGridProbabilities({ probabilities, grid: g, imageSize, classes: CLASSES });
}

/**
 * Background removal (seed 000, Figure 3): the network input with background pixels set to 0,
 * weighted by the probability of not being background.
 */
export function removeBackground(input: Float32Array, foregroundShare: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i]! * foregroundShare[i]!;
  return out;
}

/** 1 - P(background) of every grid pixel, from [rows, columns, classes] probabilities or shares. */
export function foregroundShare(probabilities: Float32Array): Float32Array {
  const out = new Float32Array(probabilities.length / CLASSES);
  for (let k = 0; k < out.length; k++) out[k] = 1 - probabilities[k * CLASSES]!;
  return out;
}
