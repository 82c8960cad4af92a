import { OpenBmdError } from '../core/errors.js';

/**
 * Otsu's threshold (the level that maximises the between-class variance) of values over a
 * histogram of at most 256 bins spanning their range. Values above the returned level form the
 * bright class. Integer data spanning fewer levels get one bin per level, so on 8-bit data this
 * is OpenCV's THRESH_OTSU.
 */
export function otsuThreshold(values: ArrayLike<number>, maxBins = 256): number {
  if (values.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'Otsu threshold of no values');
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === min) return min;
  // Integer data spanning fewer levels than bins: one bin per level, like OpenCV's 8-bit Otsu.
  let integers = true;
  for (let i = 0; i < values.length && integers; i++) integers = Number.isInteger(values[i]!);
  const perLevel = integers && max - min < maxBins;
  const bins = perLevel ? max - min + 1 : maxBins;
  const width = perLevel ? 1 : (max - min) / (bins - 1);
  const histogram = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) histogram[Math.min(bins - 1, Math.round((values[i]! - min) / width))]! += 1;
  const total = values.length;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * histogram[b]!;
  let weightBelow = 0;
  let sumBelow = 0;
  let best = 0;
  let bestVariance = -1;
  for (let b = 0; b < bins; b++) {
    weightBelow += histogram[b]!;
    if (weightBelow === 0) continue;
    const weightAbove = total - weightBelow;
    if (weightAbove === 0) break;
    sumBelow += b * histogram[b]!;
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sumAll - sumBelow) / weightAbove;
    const variance = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = b;
    }
  }
  return min + best * width;
}
