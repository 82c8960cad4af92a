import type { Image2D } from '../../core/image2d.js';
import type { StepWedgeCalibration } from '../../calibration/step-wedge/step-wedge-calibration.js';
import { OpenBmdError } from '../../core/errors.js';
import { calibratedThicknessMm } from '../../calibration/step-wedge/step-wedge-calibration.js';
import { otsuThreshold } from '../../imaging/otsu-threshold.js';
import type { ForearmRoiGeometry, Point, Quad } from './forearm-roi-geometry.js';
import { pointInQuad } from './forearm-roi-geometry.js';
import type { SoftTissueBaseline } from './soft-tissue-baseline.js';
import { softTissueBaselineUnderRadius } from './soft-tissue-baseline.js';

/** Grey levels and equivalent phantom thicknesses of the ROIs (seed 000's I_b, I_t and T). */
export interface ForearmRoiMeasurement {
  radiusGrey: number;
  softTissueGrey: number;
  backgroundGrey: number;
  /** Adaptive (Otsu) threshold inside the radius square: brighter pixels are radius. */
  radiusThreshold: number;
  /**
   * Background squares that read as open field (uniform, and no thicker than the wedge's thickest
   * step): openbmd's background is theirs; with none, the wedge's own background.
   */
  openFieldSquares: number;
  radiusPixels: number;
  /**
   * Equivalent thickness of the radius pixels, mm of wedge material, on the wedge's curve
   * (calibratedThicknessMm) with the forearm's background aligned to the wedge's own.
   */
  radiusThicknessMm: number;
  /** The soft-tissue rectangle's equivalent thickness on the same curve, mm (reported, drawn). */
  softTissueThicknessMm: number;
  /** The soft tissue beneath the radius pixels, DXA's baseline across the bone (openbmd's T_t), mm. */
  softTissueUnderRadiusMm: number;
  /** Seed 000's T_b and T_t: the wedge's least-squares line, slope x (I - I_background), and the rectangle. */
  seed000: { radiusThicknessMm: number; softTissueThicknessMm: number };
  baseline: Omit<SoftTissueBaseline, 'meanUnderRadiusMm'>;
  /** Indices (row * columns + column) of the radius pixels, for the overlay. */
  radiusPixelIndices: number[];
}

/** Pixel indices whose centres lie inside a quad. */
export function quadPixels(q: Quad, columns: number, rows: number): number[] {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  const indices: number[] = [];
  for (let y = Math.max(0, Math.floor(Math.min(...ys))); y <= Math.min(rows - 1, Math.ceil(Math.max(...ys))); y++) {
    for (let x = Math.max(0, Math.floor(Math.min(...xs))); x <= Math.min(columns - 1, Math.ceil(Math.max(...xs))); x++) {
      if (pointInQuad(q, [x, y] as Point)) indices.push(y * columns + x);
    }
  }
  return indices;
}

const meanOf = (image: Image2D, indices: number[]): number => indices.reduce((s, i) => s + Number(image.data[i]), 0) / Math.max(1, indices.length);

/**
 * Seed 000's ROI step: the radius pixels of the square (above an adaptive threshold), the mean
 * grey of radius, soft tissue and background, and their equivalent wedge thicknesses: seed 000's,
 * slope x (I - I_background) on the wedge's least-squares line, and openbmd's, on the wedge's
 * curve through its background and steps with the forearm's background moved onto the wedge's
 * (what varies slowly across the image, a display's range compression, cancels), which assumes no
 * form of the detector's response. Also the soft tissue beneath the radius itself
 * (softTissueBaselineUnderRadius). The square must hold pixels of the image (a ROI off the image
 * is refused by the caller, which knows the file).
 */
export function measureForearmRois(
  image: Image2D,
  geometry: ForearmRoiGeometry,
  calibration: StepWedgeCalibration,
  isForeground: (p: Point) => boolean,
): ForearmRoiMeasurement {
  const [columns, rows] = image.size;
  const square = quadPixels(geometry.radiusSquare, columns, rows);
  if (square.length === 0)
    throw new OpenBmdError('INVALID_VALUE', 'the distal-radius ROI square lies outside the image: the key points found are not on a wrist');
  const radiusThreshold = otsuThreshold(square.map((i) => Number(image.data[i])));
  const radiusPixelIndices = square.filter((i) => Number(image.data[i]) > radiusThreshold);
  const radiusGrey = meanOf(image, radiusPixelIndices);
  const softTissueGrey = meanOf(image, quadPixels(geometry.softTissue, columns, rows));
  const backgroundIndices = geometry.background.flatMap((q) => quadPixels(q, columns, rows));
  const backgroundGrey = backgroundIndices.length > 0 ? meanOf(image, backgroundIndices) : Number.NaN;
  const seed000Thickness = (grey: number): number => calibration.slopeMmPerGrey * (grey - backgroundGrey);
  const openField = openFieldBackground(image, geometry.background, calibration);
  const shift = Number.isFinite(openField.grey) ? calibration.backgroundGrey - openField.grey : 0;
  const thickness = (grey: number): number => calibratedThicknessMm(calibration, grey + shift);
  const { meanUnderRadiusMm, ...baseline } = softTissueBaselineUnderRadius(image, thickness, geometry.radiusSquare, isForeground, radiusPixelIndices);
  return {
    radiusGrey,
    softTissueGrey,
    backgroundGrey,
    radiusThreshold,
    openFieldSquares: openField.squares,
    radiusPixels: radiusPixelIndices.length,
    radiusThicknessMm: thickness(radiusGrey),
    softTissueThicknessMm: thickness(softTissueGrey),
    softTissueUnderRadiusMm: meanUnderRadiusMm,
    seed000: { radiusThicknessMm: seed000Thickness(radiusGrey), softTissueThicknessMm: seed000Thickness(softTissueGrey) },
    baseline,
    radiusPixelIndices,
  };
}

/** A background square wider in grey than this many times the open field's noise straddles an edge (a collimator's, a lead letter's). */
const OPEN_FIELD_NOISE_FACTOR = 3;

/**
 * The background squares that are open field: no wider in grey than the noise beside the wedge
 * allows, and no thicker on the wedge's curve than its thickest step (a square under a collimator
 * or a lead letter is neither). Their mean grey, NaN when none is.
 */
export function openFieldBackground(image: Image2D, squares: readonly Quad[], calibration: StepWedgeCalibration): { grey: number; squares: number } {
  const [columns, rows] = image.size;
  const thickest = Math.max(...calibration.knots.map((k) => k.thicknessMm));
  const noise = Math.max(1, calibration.backgroundNoise);
  let sum = 0;
  let count = 0;
  let kept = 0;
  for (const square of squares) {
    const indices = quadPixels(square, columns, rows);
    if (indices.length === 0) continue;
    const values = indices.map((i) => Number(image.data[i]));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    if (!(sd <= OPEN_FIELD_NOISE_FACTOR * noise)) continue;
    if (!(Math.abs(calibratedThicknessMm(calibration, mean)) <= thickest)) continue;
    sum += mean * values.length;
    count += values.length;
    kept += 1;
  }
  return { grey: count > 0 ? sum / count : Number.NaN, squares: kept };
}
