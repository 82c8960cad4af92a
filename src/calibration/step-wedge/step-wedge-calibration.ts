import type { Image2D } from '../../core/image2d.js';
import { computeStats } from '../../core/pixel-array.js';
import { leastSquaresLine } from '../../stats/least-squares-line.js';
import { pearsonCorrelation } from '../../stats/pearson-correlation.js';
import type { StepWedgePhantom } from './step-wedge-phantom.js';
import type { WedgePose } from './wedge-pose.js';
import { wedgeAxes, wedgePoint } from './wedge-pose.js';

/**
 * QC flags of a step-wedge calibration: the steps do not rise from the background in order; the
 * steps sit at the image's lowest or highest stored value (processing clipped them); the grey
 * levels are not a straight line in thickness (seed 000's criterion for its linear fit, r < 0.99).
 */
export type WedgeCalibrationFlag = 'wedge-steps-not-monotonic' | 'wedge-steps-saturated' | 'wedge-calibration-poor-fit';

/** A step is clipped when this share of its central pixels sits at the image's extreme value. */
const SATURATED_SHARE = 0.5;

/** Per-image calibration (seed 000): phantom thickness as a linear function of grey level. */
export interface StepWedgeCalibration {
  /** Mean grey level of each step's central area, in the phantom's step order. */
  stepGrey: number[];
  stepPixels: number[];
  thicknessMm: number[];
  /** thickness = slopeMmPerGrey * grey + interceptMm. */
  slopeMmPerGrey: number;
  interceptMm: number;
  /** Pearson r of grey level vs thickness. */
  r: number;
  /**
   * The wedge's own background: the median grey of a band beside its long sides (no wedge = 0 mm),
   * NaN where the band lies outside the image.
   */
  backgroundGrey: number;
  /** The noise of that band (1.4826 x its median absolute deviation), grey levels. */
  backgroundNoise: number;
  /**
   * The curve from grey level to thickness through the background (0 mm) and every step, in
   * ascending grey: followed piecewise-linearly between them and along the end segments beyond.
   * No form of the detector's response is assumed (log, power, film-like or any monotone curve).
   */
  knots: { grey: number; thicknessMm: number }[];
  flags: WedgeCalibrationFlag[];
}

export interface CalibrationOptions {
  /** Share of each step's length and of the wedge's width averaged (the central area). */
  centralFraction?: number;
  /** Below this r the fit is flagged (the seed's median r was 0.9997). */
  minR?: number;
}

/**
 * Mean grey level over the central area of every step (away from the step edges, where blur and
 * partial volume mix neighbours), the wedge's own background beside it, the curve through them
 * (openbmd's calibration) and the least-squares line of thickness on grey level (seed 000's). Flags
 * a wedge whose steps do not rise from the background in order, steps clipped by the processing,
 * and a poor linear fit.
 */
export function calibrateStepWedge(image: Image2D, phantom: StepWedgePhantom, pose: WedgePose, options: CalibrationOptions = {}): StepWedgeCalibration {
  const fraction = options.centralFraction ?? 0.5;
  const minR = options.minR ?? 0.99;
  const pixelMm = image.spacingMm[0];
  const [columns, rows] = image.size;
  const { along, across } = wedgeAxes(pose.angleRad);
  const n = phantom.steps.length;
  const halfAlong = (fraction * phantom.stepLengthMm) / 2 / pixelMm;
  const halfAcross = (fraction * phantom.widthMm) / 2 / pixelMm;
  const reach = Math.ceil(Math.hypot(halfAlong, halfAcross));
  const stepGrey: number[] = [];
  const stepPixels: number[] = [];
  const stepAtExtreme: number[] = [];
  const { min: imageMin, max: imageMax } = computeStats(image.data);
  phantom.steps.forEach((_, i) => {
    const offsetPx = ((i - (n - 1) / 2) * phantom.stepLengthMm) / pixelMm;
    const cx = pose.centerPx[0] + offsetPx * along[0];
    const cy = pose.centerPx[1] + offsetPx * along[1];
    let sum = 0;
    let count = 0;
    let extreme = 0;
    for (let y = Math.max(0, Math.floor(cy - reach)); y <= Math.min(rows - 1, Math.ceil(cy + reach)); y++) {
      for (let x = Math.max(0, Math.floor(cx - reach)); x <= Math.min(columns - 1, Math.ceil(cx + reach)); x++) {
        const a = (x - cx) * along[0] + (y - cy) * along[1];
        const c = (x - cx) * across[0] + (y - cy) * across[1];
        if (Math.abs(a) > halfAlong || Math.abs(c) > halfAcross) continue;
        const v = Number(image.data[y * columns + x]);
        sum += v;
        count += 1;
        if (v === imageMin || v === imageMax) extreme += 1;
      }
    }
    stepGrey.push(count > 0 ? sum / count : Number.NaN);
    stepPixels.push(count);
    stepAtExtreme.push(count > 0 ? extreme / count : 0);
  });
  const thicknessMm = phantom.steps.map((s) => s.thicknessMm);
  const byThickness = thicknessMm.map((t, i) => ({ t, g: stepGrey[i]! })).sort((p, q) => p.t - q.t);
  const monotonic = byThickness.every((p, i) => i === 0 || (p.g > byThickness[i - 1]!.g && p.t > byThickness[i - 1]!.t));
  const fit = leastSquaresLine(stepGrey, thicknessMm);
  const r = pearsonCorrelation(stepGrey, thicknessMm).r;
  const flags: WedgeCalibrationFlag[] = [];
  const { grey: backgroundGrey, noise: backgroundNoise } = wedgeBackground(image, phantom, pose);
  const knots = [{ grey: backgroundGrey, thicknessMm: 0 }, ...byThickness.map((p) => ({ grey: p.g, thicknessMm: p.t }))];
  if (stepAtExtreme.some((share) => share >= SATURATED_SHARE)) flags.push('wedge-steps-saturated');
  if (!monotonic || !(backgroundGrey < byThickness[0]!.g)) flags.push('wedge-steps-not-monotonic');
  if (!(r >= minR)) flags.push('wedge-calibration-poor-fit');
  return { stepGrey, stepPixels, thicknessMm, slopeMmPerGrey: fit.slope, interceptMm: fit.intercept, r, backgroundGrey, backgroundNoise, knots, flags };
}

/** The band beside the wedge's long sides read for its background, mm from its edge. */
const BACKGROUND_BAND_MM: readonly [number, number] = [2, 5];

/**
 * Median grey of a band beside the wedge's long sides: the wedge's own zero-thickness level (the
 * median keeps it on the open field where a finger or a shutter's edge reaches into part of the
 * band), and the band's noise (1.4826 x the median absolute deviation).
 */
export function wedgeBackground(image: Image2D, phantom: StepWedgePhantom, pose: WedgePose): { grey: number; noise: number } {
  const pixelMm = image.spacingMm[0];
  const [columns, rows] = image.size;
  const halfLength = (phantom.steps.length * phantom.stepLengthMm) / 2;
  const values: number[] = [];
  for (let a = -halfLength; a <= halfLength; a += pixelMm)
    for (const side of [-1, 1])
      for (let d = BACKGROUND_BAND_MM[0]; d <= BACKGROUND_BAND_MM[1]; d += pixelMm) {
        const [x, y] = wedgePoint(pose, pixelMm, a, side * (phantom.widthMm / 2 + d));
        const xi = Math.round(x);
        const yi = Math.round(y);
        if (xi < 0 || yi < 0 || xi >= columns || yi >= rows) continue;
        values.push(Number(image.data[yi * columns + xi]));
      }
  if (values.length === 0) return { grey: Number.NaN, noise: Number.NaN };
  values.sort((p, q) => p - q);
  const median = values[Math.floor(values.length / 2)]!;
  const deviations = values.map((v) => Math.abs(v - median)).sort((p, q) => p - q);
  return { grey: median, noise: 1.4826 * deviations[Math.floor(deviations.length / 2)]! };
}

/**
 * Thickness of a grey level on the wedge's curve (`knots`), mm: piecewise-linear between the knots,
 * along the first or last segment beyond them. NaN when the curve is not strictly increasing.
 */
export function calibratedThicknessMm(calibration: Pick<StepWedgeCalibration, 'knots'>, grey: number): number {
  const k = calibration.knots;
  if (k.length < 2 || !Number.isFinite(grey)) return Number.NaN;
  for (let i = 1; i < k.length; i++) if (!(k[i]!.grey > k[i - 1]!.grey)) return Number.NaN;
  let i = 1;
  while (i < k.length - 1 && grey > k[i]!.grey) i++;
  const lo = k[i - 1]!;
  const hi = k[i]!;
  return lo.thicknessMm + ((grey - lo.grey) * (hi.thicknessMm - lo.thicknessMm)) / (hi.grey - lo.grey);
}

/** Equivalent phantom thickness of a grey level, mm (the calibration's T of seed 000's Eq. [2]). */
export function equivalentThicknessMm(calibration: StepWedgeCalibration, grey: number): number {
  return calibration.slopeMmPerGrey * grey + calibration.interceptMm;
}
