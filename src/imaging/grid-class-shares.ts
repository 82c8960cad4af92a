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
  // Each column's two grid columns (clamped, as offsets) and weight, computed once: the per-pixel
  // arithmetic is the same as interpolating with clamped lookups, without its calls.
  const left = new Int32Array(columns);
  const right = new Int32Array(columns);
  const weightX = new Float64Array(columns);
  const clampColumn = (gx: number): number => Math.min(g.columns - 1, Math.max(0, gx)) * classes;
  for (let x = 0; x < columns; x++) {
    const fx = (x - g.x0) / g.stepX;
    const gx = Math.floor(fx);
    left[x] = clampColumn(gx);
    right[x] = clampColumn(gx + 1);
    weightX[x] = fx - gx;
  }
  const rowStride = g.columns * classes;
  for (let y = 0; y < rows; y++) {
    const fy = (y - g.y0) / g.stepY;
    const gy = Math.floor(fy);
    const wy = fy - gy;
    const top = Math.min(g.rows - 1, Math.max(0, gy)) * rowStride;
    const bottom = Math.min(g.rows - 1, Math.max(0, gy + 1)) * rowStride;
    for (let x = 0; x < columns; x++) {
      const wx = weightX[x]!;
      const l = left[x]!;
      const r = right[x]!;
      let best = 0;
      let bestP = -1;
      for (let c = 0; c < classes; c++) {
        const p =
          (probabilities[top + l + c]! * (1 - wx) + probabilities[top + r + c]! * wx) * (1 - wy) +
          (probabilities[bottom + l + c]! * (1 - wx) + probabilities[bottom + r + c]! * wx) * wy;
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
