import type { Image2D } from '../../core/image2d.js';
import { percentileOf } from '../../stats/percentile.js';
import type { Point, Quad } from './forearm-roi-geometry.js';

/**
 * The soft tissue beneath the radius, estimated across the forearm as DXA estimates its soft-tissue
 * baseline: from the bone-free pixels beside the bone, not from one rectangle elsewhere.
 */
export interface SoftTissueBaseline {
  /** Mean over the radius pixels of the soft tissue's equivalent wedge thickness beneath them, mm. */
  meanUnderRadiusMm: number;
  /** Rows across the forearm (parallel to the key-point line) with a fitted baseline. */
  rowsFitted: number;
  rows: number;
  /** Bone-free pixels the baselines were fitted on (image pixel centres), for the overlay. */
  samplePoints: Point[];
}

/** Pixels whose chord is below this share of the largest are too close to the skin to fit on. */
const MIN_CHORD_SHARE = 0.3;
/** The lower envelope of thickness per chord: pixels within this factor of its 10th percentile are soft tissue only. */
const ENVELOPE_PERCENTILE = 0.1;
const ENVELOPE_FACTOR = 1.06;
/** Clearance kept from the radius square's sides, mm (its edges blur into the neighbours). */
const RADIUS_CLEARANCE_MM = 0.5;
const MIN_SAMPLES_PER_ROW = 5;

/** Bilinear sample of an image at (x, y) pixel coordinates; NaN outside. */
export function sampleBilinear(image: Image2D, x: number, y: number): number {
  const [columns, rows] = image.size;
  if (!(x >= 0 && y >= 0 && x <= columns - 1 && y <= rows - 1)) return Number.NaN;
  const x0 = Math.min(columns - 2, Math.floor(x));
  const y0 = Math.min(rows - 2, Math.floor(y));
  const fx = x - x0;
  const fy = y - y0;
  const at = (i: number, j: number): number => Number(image.data[j * columns + i]);
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/**
 * Fits, on each row of the radius square parallel to the key-point line, the soft-tissue
 * thickness across the whole forearm as A x (chord of an ellipse spanning the limb's skin edges):
 * - the limb's edges are where the foreground ends, walking out from the radius;
 * - bone-free pixels are those outside the square whose thickness per unit chord lies on the lower
 *   envelope (the ulna and the radius's own blur lie above it);
 * - A is the least-squares factor through the origin (the background is zero thickness).
 * The baseline beneath each radius pixel is its row's A x chord there. Rows whose limb reaches the
 * image edge, or with too few bone-free pixels, are skipped; a radius pixel of a skipped row takes
 * the nearest fitted row.
 *
 * `thickness` is the background-corrected equivalent wedge thickness (mm) of a grey level.
 */
export function softTissueBaselineUnderRadius(
  image: Image2D,
  thickness: (grey: number) => number,
  square: Quad,
  isForeground: (p: Point) => boolean,
  radiusPixelIndices: readonly number[],
): SoftTissueBaseline {
  const [columns, rows] = image.size;
  const pixelMm = image.spacingMm[0];
  const [k1, k2, , k4] = square;
  const side = Math.hypot(k2[0] - k1[0], k2[1] - k1[1]);
  const across: Point = [(k2[0] - k1[0]) / side, (k2[1] - k1[1]) / side];
  const depth = Math.hypot(k4[0] - k1[0], k4[1] - k1[1]);
  const proximal: Point = [(k4[0] - k1[0]) / depth, (k4[1] - k1[1]) / depth];
  const at = (a: number, b: number): Point => [k1[0] + a * across[0] + b * proximal[0], k1[1] + a * across[1] + b * proximal[1]];
  const inImage = ([x, y]: Point): boolean => x >= 0 && y >= 0 && x <= columns - 1 && y <= rows - 1;
  const clearance = RADIUS_CLEARANCE_MM / pixelMm;
  const rowCount = Math.max(1, Math.round(depth));
  const maxWalk = 8 * side;
  const fits: ({ amplitude: number; centre: number; halfWidth: number } | undefined)[] = [];
  const samplePoints: Point[] = [];
  for (let j = 0; j < rowCount; j++) {
    const b = ((j + 0.5) * depth) / rowCount;
    // The limb's extent on this row: the foreground run through the middle of the radius.
    let lo = side / 2;
    while (lo > side / 2 - maxWalk && isForeground(at(lo - 1, b)) && inImage(at(lo - 1, b))) lo -= 1;
    let hi = side / 2;
    while (hi < side / 2 + maxWalk && isForeground(at(hi + 1, b)) && inImage(at(hi + 1, b))) hi += 1;
    if (!inImage(at(lo - 2, b)) || !inImage(at(hi + 2, b))) {
      fits.push(undefined);
      continue;
    }
    const centre = (lo + hi) / 2;
    const halfWidth = (hi - lo) / 2 + 0.5;
    const candidates: { a: number; chord: number; t: number }[] = [];
    for (let a = Math.ceil(lo); a <= hi; a++) {
      if (a > -clearance && a < side + clearance) continue;
      const chord = Math.sqrt(Math.max(0, 1 - ((a - centre) / halfWidth) ** 2));
      if (!(chord > MIN_CHORD_SHARE)) continue;
      const [x, y] = at(a, b);
      const t = thickness(sampleBilinear(image, x, y));
      if (Number.isFinite(t)) candidates.push({ a, chord, t });
    }
    if (candidates.length < MIN_SAMPLES_PER_ROW) {
      fits.push(undefined);
      continue;
    }
    const limit =
      percentileOf(
        candidates.map((c) => c.t / c.chord),
        ENVELOPE_PERCENTILE,
      ) * ENVELOPE_FACTOR;
    const used = candidates.filter((c) => c.t / c.chord < limit);
    const sumCt = used.reduce((s, c) => s + c.chord * c.t, 0);
    const sumCc = used.reduce((s, c) => s + c.chord * c.chord, 0);
    if (used.length < MIN_SAMPLES_PER_ROW || !(sumCc > 0)) {
      fits.push(undefined);
      continue;
    }
    fits.push({ amplitude: sumCt / sumCc, centre, halfWidth });
    for (const c of used) samplePoints.push(at(c.a, b));
  }
  const fitted = fits.flatMap((f, j) => (f === undefined ? [] : [j]));
  let sum = 0;
  let count = 0;
  if (fitted.length > 0) {
    for (const index of radiusPixelIndices) {
      const x = index % columns;
      const y = Math.floor(index / columns);
      const a = (x - k1[0]) * across[0] + (y - k1[1]) * across[1];
      const b = (x - k1[0]) * proximal[0] + (y - k1[1]) * proximal[1];
      const row = Math.min(rowCount - 1, Math.max(0, Math.floor((b / depth) * rowCount)));
      const nearest = fits[row] === undefined ? fitted.reduce((best, j) => (Math.abs(j - row) < Math.abs(best - row) ? j : best), fitted[0]!) : row;
      const f = fits[nearest]!;
      sum += f.amplitude * Math.sqrt(Math.max(0, 1 - ((a - f.centre) / f.halfWidth) ** 2));
      count += 1;
    }
  }
  return { meanUnderRadiusMm: count > 0 ? sum / count : Number.NaN, rowsFitted: fitted.length, rows: rowCount, samplePoints };
}
