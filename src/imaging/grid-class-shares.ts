import type { NetworkGrid } from './network-grid.js';

/**
 * Segmentation targets on a grid: the share of each class among the image pixels of every grid
 * pixel's box ([rows, columns, classes]); grid pixels outside the image are background (class 0).
 * Soft shares keep the boundary where it is at sub-grid precision. `classOf` maps a stored label to
 * its class (default: the label itself, clamped to the classes).
 */
export function classSharesOnGrid(o: {
  labels: ArrayLike<number>;
  imageSize: readonly [number, number];
  grid: NetworkGrid;
  classes: number;
  classOf?: (label: number) => number;
}): Float32Array {
  const { labels, grid: g, classes } = o;
  const [columns, rows] = o.imageSize;
  const classOf = o.classOf ?? ((label: number): number => Math.min(classes - 1, Math.max(0, label)));
  const counts = new Float32Array(g.columns * g.rows * classes);
  for (let y = 0; y < rows; y++) {
    const gy = Math.round((y - g.y0) / g.stepY);
    if (gy < 0 || gy >= g.rows) continue;
    for (let x = 0; x < columns; x++) {
      const gx = Math.round((x - g.x0) / g.stepX);
      if (gx < 0 || gx >= g.columns) continue;
      counts[(gy * g.columns + gx) * classes + classOf(Number(labels[y * columns + x]))]! += 1;
    }
  }
  for (let k = 0; k < g.columns * g.rows; k++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += counts[k * classes + c]!;
    if (total === 0) {
      counts[k * classes] = 1;
      continue;
    }
    for (let c = 0; c < classes; c++) counts[k * classes + c]! /= total;
  }
  return counts;
}

/**
 * Labels at image resolution from grid class probabilities ([rows, columns, classes]): each image
 * pixel takes the class with the largest bilinearly interpolated probability, so edges are placed
 * between grid pixels.
 */
export function labelsFromGridProbabilities(o: {
  probabilities: Float32Array;
  grid: NetworkGrid;
  imageSize: readonly [number, number];
  classes: number;
}): Uint8Array {
  const { probabilities, grid: g, classes } = o;
  const [columns, rows] = o.imageSize;
  const labels = new Uint8Array(columns * rows);
  const at = (gx: number, gy: number, c: number): number =>
    probabilities[(Math.min(g.rows - 1, Math.max(0, gy)) * g.columns + Math.min(g.columns - 1, Math.max(0, gx))) * classes + c]!;
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
      for (let c = 0; c < classes; c++) {
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
