import type { Image2D } from '../../core/image2d.js';
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

/** Clearance kept from the radius square's sides, mm (its edges blur into the neighbours). */
const RADIUS_CLEARANCE_MM = 0.5;
/** Pixels this close to the skin are left out: blur mixes the background into them. */
const SKIN_CLEARANCE_MM = 0.5;
/** Bone-free samples needed on each side of the radius for a row's baseline (interpolation, not extrapolation). */
const MIN_SAMPLES_PER_SIDE = 3;
/** How far beside the radius the tissue either side is read, mm (1.5-3 mm gave the same on development cohorts). */
const SIDE_REACH_MM = 2;
/** Share of each side's samples, lowest first, taken as soft tissue (bone beside the radius reads above it). */
const LOWER_SHARE = 0.5;

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
 * The soft tissue beneath the radius as DXA estimates its soft-tissue baseline, assuming no shape of
 * the limb: on each row parallel to the key-point line, the equivalent thickness of the tissue just
 * radial of the radius and just ulnar of it (the 2 mm beside the radius's run of pixels on that
 * row, the lower half of each side's samples, so the ulna at the radio-ulnar joint stays out),
 * interpolated linearly across the bone beneath each radius pixel. The radius lies against the
 * radial skin, so its radial side is often a strip inside the ROI square: any pixel that is not a
 * radius pixel counts, and where the radius reaches the skin the skin's edge (no tissue) is that
 * side's level. Rows without either are skipped; a radius pixel of a skipped row takes the nearest
 * fitted row.
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
  const skinClearance = SKIN_CLEARANCE_MM / pixelMm;
  const rowCount = Math.max(1, Math.round(depth));
  const maxWalk = 8 * side;
  const radiusSet = new Set(radiusPixelIndices);
  const isRadius = ([x, y]: Point): boolean => radiusSet.has(Math.round(y) * columns + Math.round(x));
  const reach = SIDE_REACH_MM / pixelMm;
  const fits: (Interpolation | undefined)[] = [];
  const samplePoints: Point[] = [];
  for (let j = 0; j < rowCount; j++) {
    const b = ((j + 0.5) * depth) / rowCount;
    let lo = side / 2;
    while (lo > side / 2 - maxWalk && isForeground(at(lo - 1, b)) && inImage(at(lo - 1, b))) lo -= 1;
    let hi = side / 2;
    while (hi < side / 2 + maxWalk && isForeground(at(hi + 1, b)) && inImage(at(hi + 1, b))) hi += 1;
    if (!inImage(at(lo - 2, b)) || !inImage(at(hi + 2, b))) {
      fits.push(undefined);
      continue;
    }
    // The radius's run on this row: from its first to its last radius pixel.
    let first = Infinity;
    let last = -Infinity;
    for (let a = Math.ceil(Math.max(lo, -clearance)); a <= Math.min(hi, side + clearance); a++)
      if (isRadius(at(a, b))) {
        first = Math.min(first, a);
        last = Math.max(last, a);
      }
    if (!Number.isFinite(first)) {
      fits.push(undefined);
      continue;
    }
    const sideSamples = (from: number, to: number): { a: number; t: number }[] => {
      const list: { a: number; t: number }[] = [];
      for (let a = Math.ceil(Math.max(from, lo + skinClearance)); a <= Math.min(to, hi - skinClearance); a++) {
        const p = at(a, b);
        if (isRadius(p)) continue;
        const t = thickness(sampleBilinear(image, p[0], p[1]));
        if (Number.isFinite(t)) list.push({ a, t });
      }
      return list;
    };
    const radial = sideSamples(first - clearance - reach, first - clearance);
    const ulnar = sideSamples(last + clearance, last + clearance + reach);
    // Where the radius reaches the skin there is no tissue beside it on that side: the skin's edge is
    // the side's level (no tissue there), as DXA's baseline ends at the skin.
    const radialEdge = radial.length < MIN_SAMPLES_PER_SIDE && first - lo <= clearance + reach ? { a: lo, t: 0 } : undefined;
    const ulnarEdge = ulnar.length < MIN_SAMPLES_PER_SIDE && hi - last <= clearance + reach ? { a: hi, t: 0 } : undefined;
    if (
      (radial.length < MIN_SAMPLES_PER_SIDE && radialEdge === undefined) ||
      (ulnar.length < MIN_SAMPLES_PER_SIDE && ulnarEdge === undefined) ||
      (radialEdge !== undefined && ulnarEdge !== undefined)
    ) {
      fits.push(undefined);
      continue;
    }
    // Bone beside the radius (the ulna at the radio-ulnar joint) lies above the soft tissue: its lower quartile.
    const level = (list: { a: number; t: number }[]): { a: number; t: number } => {
      const sorted = list.slice().sort((p, q) => p.t - q.t);
      const kept = sorted.slice(0, Math.max(1, Math.ceil(sorted.length * LOWER_SHARE)));
      for (const s of kept) samplePoints.push(at(s.a, b));
      return { a: kept.reduce((sum, s) => sum + s.a, 0) / kept.length, t: kept.reduce((sum, s) => sum + s.t, 0) / kept.length };
    };
    fits.push({ left: radialEdge ?? level(radial), right: ulnarEdge ?? level(ulnar) });
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
      const nearest = fits[row] === undefined ? fitted.reduce((best, k) => (Math.abs(k - row) < Math.abs(best - row) ? k : best), fitted[0]!) : row;
      sum += interpolate(fits[nearest]!, a);
      count += 1;
    }
  }
  return { meanUnderRadiusMm: count > 0 ? sum / count : Number.NaN, rowsFitted: fitted.length, rows: rowCount, samplePoints };
}

/** The soft tissue's equivalent thickness just radial and just ulnar of the radius on one row, at their mean positions. */
interface Interpolation {
  left: { a: number; t: number };
  right: { a: number; t: number };
}

/** DXA's baseline: linear between the tissue either side of the bone. */
function interpolate(f: Interpolation, a: number): number {
  const span = f.right.a - f.left.a;
  if (!(span > 0)) return (f.left.t + f.right.t) / 2;
  const w = Math.min(1, Math.max(0, (a - f.left.a) / span));
  return f.left.t + w * (f.right.t - f.left.t);
}
