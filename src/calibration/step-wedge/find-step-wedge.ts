import type { Image2D } from '../../core/image2d.js';
import { OpenBmdError } from '../../core/errors.js';
import type { Plane } from '../../imaging/template-matching.js';
import { bestMatch, normalisedSquaredDifference, prepareSearchImage, squaredDifferenceScore } from '../../imaging/template-matching.js';
import { subtractLocalFloor } from '../../imaging/local-floor.js';
import type { StepWedgePhantom } from './step-wedge-phantom.js';
import { renderWedgeTemplate } from './wedge-template.js';
import type { WedgePose } from './wedge-pose.js';
import { wedgeGeometryPx } from './wedge-pose.js';

export interface FindStepWedgeOptions {
  /** Background band around the wedge in the template, mm. */
  marginMm?: number;
  /** Coarse search: pixels across the wedge's width, and the angle step over 360 degrees. */
  coarsePixelsAcross?: number;
  coarseAngleStepDeg?: number;
  /** Fine search: pixels across the wedge's width, and the angle step of its last pass. */
  finePixelsAcross?: number;
  fineAngleStepDeg?: number;
  /** Coarse places examined at the fine level. */
  candidates?: number;
  /** Above this Eq. [1] score at the fine level there is no wedge matching the description. */
  maxScore?: number;
}

export interface WedgeDetection {
  pose: WedgePose;
  /** Eq. [1] at the fine level (0 = perfect). */
  score: number;
  corners: [number, number][];
  stepCenters: [number, number][];
  /** Pixel size of the fine level, mm. */
  finePixelMm: number;
}

const DEFAULTS: Required<FindStepWedgeOptions> = {
  marginMm: 3,
  coarsePixelsAcross: 8,
  coarseAngleStepDeg: 9,
  finePixelsAcross: 30,
  fineAngleStepDeg: 0.5,
  candidates: 4,
  maxScore: 0.2,
};

/** Block-average downsampling of the raw pixel values by an integer factor. */
export function downsample(image: Image2D, factor: number): Plane & { data: Float64Array } {
  const [columns] = image.size;
  const values = image.data;
  const outColumns = Math.floor(image.size[0] / factor);
  const outRows = Math.floor(image.size[1] / factor);
  const data = new Float64Array(outColumns * outRows);
  const scale = 1 / (factor * factor);
  for (let y = 0; y < outRows; y++) {
    for (let j = 0; j < factor; j++) {
      const row = (y * factor + j) * columns;
      for (let x = 0; x < outColumns; x++) {
        let sum = 0;
        const start = row + x * factor;
        for (let i = 0; i < factor; i++) sum += values[start + i]!;
        data[y * outColumns + x]! += sum * scale;
      }
    }
  }
  return { columns: outColumns, rows: outRows, data };
}

/** Grey levels mapped in place so the background (the darkest 5 %) is 0 and the bright end (99.5th percentile) 1, the template's scale; the levels come from `reference`. */
export function normaliseGrey(planes: (Plane & { data: Float64Array })[], reference: Float64Array): void {
  const stride = Math.max(1, Math.floor(reference.length / 50_000));
  const sample = new Float64Array(Math.ceil(reference.length / stride));
  for (let i = 0, k = 0; i < reference.length; i += stride, k++) sample[k] = reference[i]!;
  sample.sort();
  const low = sample[Math.floor(0.05 * (sample.length - 1))]!;
  const high = sample[Math.floor(0.995 * (sample.length - 1))]!;
  const scale = high - low > 0 ? 1 / (high - low) : 1;
  for (const plane of planes) for (let i = 0; i < plane.data.length; i++) plane.data[i] = (plane.data[i]! - low) * scale;
}

/** Eq. [1] of a template at one top-left position (direct sum; used on small windows). */
function scoreAt(plane: Plane, template: Plane, mask: ArrayLike<number>, x0: number, y0: number): number {
  let tt = 0;
  let ti = 0;
  let ii = 0;
  for (let y = 0; y < template.rows; y++) {
    const imageRow = (y0 + y) * plane.columns + x0;
    const templateRow = y * template.columns;
    for (let x = 0; x < template.columns; x++) {
      const m = mask[templateRow + x]!;
      if (m === 0) continue;
      const t = template.data[templateRow + x]!;
      const v = plane.data[imageRow + x]!;
      tt += t * t;
      ti += t * v;
      ii += v * v;
    }
  }
  return squaredDifferenceScore(tt, ti, ii, Math.sqrt(tt * ii), true);
}

/**
 * Finds a step wedge of the described geometry anywhere in a radiograph, at any rotation, by seed
 * 000's template matching (Eq. [1]) made rotation-invariant and fast, coarse to fine:
 * 1. coarse: the image block-averaged to ~8 pixels across the wedge; the stepped template every 9
 *    degrees over 360, each scored everywhere by FFT; the best few places, a wedge width apart,
 *    are kept (the steps are the wedge's signature: a uniform bar also matches fingers);
 * 2. fine: ~30 pixels across; the template within +-4.5 degrees of each candidate's angle, scored
 *    directly around it; then 0.5-degree steps around the best.
 * The template's thickest step is its brightest, which fixes the direction. A best fine score above
 * `maxScore`, or a wedge not wholly inside the image, is an error: no wedge of this description.
 */
export function findStepWedge(image: Image2D, phantom: StepWedgePhantom, options: FindStepWedgeOptions = {}, file?: string): WedgeDetection {
  const o = { ...DEFAULTS, ...options };
  const [columns, rows] = image.size;
  const pixelMm = image.spacingMm[0];
  const where = file === undefined ? {} : { file };
  const coarseFactor = Math.max(1, Math.floor(phantom.widthMm / o.coarsePixelsAcross / pixelMm));
  const fineFactor = Math.max(1, Math.floor(phantom.widthMm / o.finePixelsAcross / pixelMm));
  const coarse = downsample(image, coarseFactor);
  const fine = downsample(image, fineFactor);
  // The template's background is 0: take away what varies slowly around the wedge first (a display's
  // range compression, a shutter, the open field's level), over a window the wedge's width across.
  subtractLocalFloor(coarse.data, coarse.columns, coarse.rows, phantom.widthMm / (pixelMm * coarseFactor));
  subtractLocalFloor(fine.data, fine.columns, fine.rows, phantom.widthMm / (pixelMm * fineFactor));
  normaliseGrey([coarse, fine], fine.data);
  const coarsePixelMm = pixelMm * coarseFactor;
  const finePixelMm = pixelMm * fineFactor;

  // 1. Coarse: every angle scored everywhere; the best few places (at least a wedge width apart) go on.
  const search = prepareSearchImage(coarse);
  const candidates: { score: number; angleRad: number; centerMm: [number, number] }[] = [];
  for (let angleDeg = 0; angleDeg < 360; angleDeg += o.coarseAngleStepDeg) {
    const angleRad = (angleDeg * Math.PI) / 180;
    const template = renderWedgeTemplate(phantom, coarsePixelMm, angleRad, o.marginMm);
    if (template.plane.columns > coarse.columns || template.plane.rows > coarse.rows) continue;
    const best = bestMatch(normalisedSquaredDifference(search, template.plane, template.mask, true));
    candidates.push({
      score: best.score,
      angleRad,
      centerMm: [(best.x + template.centerPx[0] + 0.5) * coarsePixelMm, (best.y + template.centerPx[1] + 0.5) * coarsePixelMm],
    });
  }
  if (candidates.length === 0)
    throw new OpenBmdError(
      'INVALID_VALUE',
      `the image (${(columns * pixelMm).toFixed(0)} x ${(rows * pixelMm).toFixed(0)} mm) is smaller than the step wedge described`,
      where,
    );
  candidates.sort((a, b) => a.score - b.score);
  const kept: typeof candidates = [];
  for (const c of candidates) {
    if (kept.length >= o.candidates) break;
    if (kept.every((k) => Math.hypot(k.centerMm[0] - c.centerMm[0], k.centerMm[1] - c.centerMm[1]) > phantom.widthMm)) kept.push(c);
  }

  // 2. Fine: the stepped template, both directions, around each candidate; then a last, finer pass around the best.
  let fineBest = { score: Infinity, angleRad: 0, centerPx: [0, 0] as [number, number] };
  const refine = (centerMm: [number, number], angles: number[], windowPx: number): void => {
    for (const angleRad of angles) {
      const template = renderWedgeTemplate(phantom, finePixelMm, angleRad, o.marginMm);
      const x0 = Math.round(centerMm[0] / finePixelMm - 0.5 - template.centerPx[0]);
      const y0 = Math.round(centerMm[1] / finePixelMm - 0.5 - template.centerPx[1]);
      for (let y = y0 - windowPx; y <= y0 + windowPx; y++) {
        if (y < 0 || y + template.plane.rows > fine.rows) continue;
        for (let x = x0 - windowPx; x <= x0 + windowPx; x++) {
          if (x < 0 || x + template.plane.columns > fine.columns) continue;
          const score = scoreAt(fine, template.plane, template.mask, x, y);
          if (score < fineBest.score) fineBest = { score, angleRad, centerPx: [x + template.centerPx[0], y + template.centerPx[1]] };
        }
      }
    }
  };
  const degrees = (d: number): number => (d * Math.PI) / 180;
  const fan = (centre: number, range: number, step: number): number[] => {
    const list: number[] = [];
    for (let d = -range; d <= range + 1e-9; d += step) list.push(centre + degrees(d));
    return list;
  };
  const coarseWindow = Math.ceil(coarsePixelMm / finePixelMm);
  for (const c of kept) refine(c.centerMm, fan(c.angleRad, o.coarseAngleStepDeg / 2, o.coarseAngleStepDeg / 4), coarseWindow);
  if (Number.isFinite(fineBest.score)) {
    const firstPass = fineBest;
    refine(
      [(firstPass.centerPx[0] + 0.5) * finePixelMm, (firstPass.centerPx[1] + 0.5) * finePixelMm],
      fan(firstPass.angleRad, o.coarseAngleStepDeg / 4, o.fineAngleStepDeg),
      1,
    );
  }
  if (!Number.isFinite(fineBest.score) || fineBest.score > o.maxScore) {
    throw new OpenBmdError(
      'INVALID_VALUE',
      `no step wedge matching the description (${phantom.steps.length} steps of ${phantom.stepLengthMm} x ${phantom.widthMm} mm) was found: best Eq. [1] score ${Number.isFinite(fineBest.score) ? fineBest.score.toFixed(3) : 'none'} (accepted up to ${o.maxScore})`,
      where,
    );
  }
  // Back to full-resolution pixel coordinates (pixel centres at integers).
  const pose: WedgePose = {
    centerPx: [(fineBest.centerPx[0] + 0.5) * fineFactor - 0.5, (fineBest.centerPx[1] + 0.5) * fineFactor - 0.5],
    angleRad: ((fineBest.angleRad % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI),
  };
  const geometry = wedgeGeometryPx(phantom, pose, pixelMm);
  const outside = geometry.corners.some(([x, y]) => x < 0 || y < 0 || x > columns - 1 || y > rows - 1);
  if (outside) throw new OpenBmdError('INVALID_VALUE', 'the step wedge is partly outside the image; every step must be wholly visible', where);
  return { pose, score: fineBest.score, corners: geometry.corners, stepCenters: geometry.stepCenters, finePixelMm };
}
