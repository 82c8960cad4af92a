import type { NetworkGrid } from '../../imaging/network-grid.js';
import { SEGMENTATION_CLASSES } from './forearm-networks.js';

const CLASSES = SEGMENTATION_CLASSES.length;

/**
 * Segmentation targets on a grid: the share of each class among the image pixels of every grid
 * pixel's box ([rows, columns, classes]); grid pixels outside the image are background. Soft
 * shares keep the boundary where it is at sub-grid precision.
 */
export function segmentationTargets(labels: ArrayLike<number>, imageSize: readonly [number, number], g: NetworkGrid): Float32Array {
  const [columns, rows] = imageSize;
  const counts = new Float32Array(g.columns * g.rows * CLASSES);
  for (let y = 0; y < rows; y++) {
    const gy = Math.round((y - g.y0) / g.stepY);
    if (gy < 0 || gy >= g.rows) continue;
    for (let x = 0; x < columns; x++) {
      const gx = Math.round((x - g.x0) / g.stepX);
      if (gx < 0 || gx >= g.columns) continue;
      const label = Math.min(CLASSES - 1, Math.max(0, Number(labels[y * columns + x])));
      counts[(gy * g.columns + gx) * CLASSES + label]! += 1;
    }
  }
  for (let k = 0; k < g.columns * g.rows; k++) {
    let total = 0;
    for (let c = 0; c < CLASSES; c++) total += counts[k * CLASSES + c]!;
    if (total === 0) {
      counts[k * CLASSES] = 1;
      continue;
    }
    for (let c = 0; c < CLASSES; c++) counts[k * CLASSES + c]! /= total;
  }
  return counts;
}

/**
 * Labels at image resolution from grid class probabilities: each image pixel takes the class with
 * the largest bilinearly interpolated probability, so edges are placed between grid pixels.
 */
export function labelsFromProbabilities(probabilities: Float32Array, g: NetworkGrid, imageSize: readonly [number, number]): Uint8Array {
  const [columns, rows] = imageSize;
  const labels = new Uint8Array(columns * rows);
  const at = (gx: number, gy: number, c: number): number =>
    probabilities[(Math.min(g.rows - 1, Math.max(0, gy)) * g.columns + Math.min(g.columns - 1, Math.max(0, gx))) * CLASSES + c]!;
  for (let y = 0; y < rows; y++) {
    const fy = (y - g.y0) / g.stepY;
    const gy = Math.floor(fy);
    const wy = fy - gy;
    for (let x = 0; x < columns; x++) {
      const fx = (x - g.x0) / g.stepX;
      const gx = Math.floor(fx);
      const wx = fx - gx;
      let best = 0;
      let bestP = -1;
      for (let c = 0; c < CLASSES; c++) {
        const p = (at(gx, gy, c) * (1 - wx) + at(gx + 1, gy, c) * wx) * (1 - wy) + (at(gx, gy + 1, c) * (1 - wx) + at(gx + 1, gy + 1, c) * wx) * wy;
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
      labels[y * columns + x] = best;
    }
  }
  return labels;
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
