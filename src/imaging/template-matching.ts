import { OpenBmdError } from '../core/errors.js';
import { correlateValidPair, nextPowerOfTwo, realSpectrum } from './fft2d.js';
import type { ComplexGrid } from './fft2d.js';

/** A single-channel image as plain values, row-major. */
export interface Plane {
  columns: number;
  rows: number;
  data: ArrayLike<number>;
}

/** The image prepared once for many templates: its spectrum and that of its square. */
export interface MatchSearchImage {
  plane: Plane;
  spectrum: ComplexGrid;
  squaredSpectrum: ComplexGrid;
}

export function prepareSearchImage(plane: Plane): MatchSearchImage {
  const gridColumns = nextPowerOfTwo(plane.columns);
  const gridRows = nextPowerOfTwo(plane.rows);
  const squared = new Float64Array(plane.columns * plane.rows);
  for (let i = 0; i < squared.length; i++) squared[i] = plane.data[i]! * plane.data[i]!;
  return {
    plane,
    spectrum: realSpectrum(plane.data, plane.columns, plane.rows, gridColumns, gridRows),
    squaredSpectrum: realSpectrum(squared, plane.columns, plane.rows, gridColumns, gridRows),
  };
}

/** Score map of one template: one value per top-left position (x, y) where the template fits. */
export interface MatchScores {
  columns: number;
  rows: number;
  scores: Float64Array;
}

/**
 * Seed 000's Eq. [1], the normalised squared difference (OpenCV's TM_SQDIFF_NORMED), with an
 * optional mask M (0/1) so a rotated template counts only its own pixels:
 *   R(x, y) = sum M (T - I)^2 / sqrt(sum M T^2 * sum M I^2)
 *           = (sum M T^2 - 2 sum (M T) I + sum M I^2) / sqrt(sum M T^2 * sum M I^2),
 * the two image sums as FFT correlations (of I with M T, and of I^2 with M). 0 is a perfect match;
 * values are clamped to [0, 1].
 */
export function normalisedSquaredDifference(search: MatchSearchImage, template: Plane, mask?: ArrayLike<number>, fitGain = false): MatchScores {
  const { plane } = search;
  if (template.columns > plane.columns || template.rows > plane.rows)
    throw new OpenBmdError('BAD_ARGUMENT', `template ${template.columns}x${template.rows} is larger than the image ${plane.columns}x${plane.rows}`);
  const n = template.columns * template.rows;
  const m = mask ?? new Float64Array(n).fill(1);
  const maskedTemplate = new Float64Array(n);
  let templateEnergy = 0;
  for (let i = 0; i < n; i++) {
    maskedTemplate[i] = m[i]! * template.data[i]!;
    templateEnergy += maskedTemplate[i]! * template.data[i]!;
  }
  const [cross, imageEnergy] = correlateValidPair(
    search.spectrum,
    search.squaredSpectrum,
    plane.columns,
    plane.rows,
    maskedTemplate,
    m,
    template.columns,
    template.rows,
  );
  const scores = new Float64Array(cross.length);
  for (let i = 0; i < scores.length; i++) {
    const energy = Math.max(0, imageEnergy[i]!);
    const denominator = Math.sqrt(templateEnergy * energy);
    // FFT rounding can leave a tiny negative numerator at an exact match. Scores above 1 (worse
    // than any uncorrelated patch) are reported as 1, as OpenCV does, so maps compare one to one.
    scores[i] = squaredDifferenceScore(templateEnergy, cross[i]!, energy, denominator, fitGain);
  }
  return { columns: plane.columns - template.columns + 1, rows: plane.rows - template.rows + 1, scores };
}

/**
 * Eq. [1] from its sums A = sum M T^2, B = sum M T I, C = sum M I^2, with D = sqrt(A C):
 * (A - 2B + C) / D clamped to [0, 1]. With `fitGain` the template's brightness g T is fitted at
 * each position first (a wedge's grey level depends on exposure and processing): the minimum over
 * g, at g = sqrt(C / A), is 2 (1 - B / D).
 */
export function squaredDifferenceScore(a: number, b: number, c: number, d: number, fitGain: boolean): number {
  if (!(d > 0)) return fitGain ? 2 : 1;
  if (fitGain) return Math.max(0, 2 * (1 - b / d));
  return Math.min(1, Math.max(0, a - 2 * b + c) / d);
}

/** Position and value of the best (lowest) score. */
export function bestMatch(scores: MatchScores): { x: number; y: number; score: number } {
  let best = 0;
  for (let i = 1; i < scores.scores.length; i++) if (scores.scores[i]! < scores.scores[best]!) best = i;
  return { x: best % scores.columns, y: Math.floor(best / scores.columns), score: scores.scores[best]! };
}
