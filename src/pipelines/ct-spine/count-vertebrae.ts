import type { Volume3D } from '../../core/volume3d.js';
import type { SpineColumnTrack } from './spine-column-track.js';
import { BONE_HU, trackSpineColumn } from './spine-column-track.js';
import type { VertebralBodyProfile } from './vertebral-body-profile.js';
import { vertebralBodyProfile } from './vertebral-body-profile.js';

/**
 * Vertebrae counted from anatomy, without a network: the discs along the column (minima of the
 * bodies' profile between the endplates), and the sacrum (the column's bone running on into the
 * alae, wider than any lumbar body). Counting up from the sacrum names L5, L4 and so on. It is the
 * cross-check of the localisation network and its fallback when the network finds nothing.
 */
export interface CountedVertebra {
  /** Name counted from the sacrum (L5 the lowest mobile one); null when no sacrum is in the field. */
  level: string | null;
  /** Endplate-to-endplate extent along z (the adjacent discs' centres), index-mm. */
  topMm: number;
  bottomMm: number;
  /** Body centre, index-mm (x, y, z). */
  centreMm: [number, number, number];
}

export interface VertebraCount {
  vertebrae: CountedVertebra[];
  /** Disc centres found, index-mm z, superior first. */
  discsMm: number[];
  /** z of the sacrum's top (the L5-S1 disc), index-mm; null when no sacrum was seen. */
  sacrumTopMm: number | null;
  /** Why no level could be named (null when the count names them). */
  problem: string | null;
}

/** Vertebral pitch (body plus disc) of adult T10-L5, mm: 25-45 (Panjabi 1991/1992 body heights 21-29 mm, discs 5-12 mm). */
export const MIN_PITCH_MM = 18;
export const MAX_PITCH_MM = 50;
/** Disc contrast: endplates either side above the disc's middle by at least this much, HU (discs 80-120 HU, endplates > 200). */
export const MIN_DISC_CONTRAST_HU = 30;
/** The sacrum: bone continuous from the column's centre to at least this far sideways (alae 45-60 mm, then the sacroiliac joints), mm; a lumbar body is 20-25 mm to either side. */
export const SACRUM_HALF_WIDTH_MM = 45;
/** ... over at least this height, mm (a transverse process is 10-15 mm high). */
const SACRUM_MIN_HEIGHT_MM = 12;
/** Depth of a lumbar body, mm (Panjabi 1992: 30-35 mm), when the canal behind it is not seen. */
const TYPICAL_BODY_DEPTH_MM = 32;

/** Mean of a profile over [z - half, z + half] mm (slices), skipping NaN. */
function meanAround(values: Float64Array, k: number, fromSlices: number, toSlices: number): number {
  let sum = 0;
  let n = 0;
  for (let q = k + fromSlices; q <= k + toSlices; q++) {
    const v = values[q];
    if (v === undefined || Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : Number.NaN;
}

/**
 * Per slice: how far the band lies below the endplates around it, the darkest value within 1.5 mm
 * against the dimmer of the brightest 4 mm within 1.5-9 mm above and below (a disc's half-height
 * is 2-6 mm, a body's 10-15 mm, so the middle of a body is not flanked this closely).
 */
export function discContrast(bandHu: Float64Array, sliceMm: number): Float64Array {
  const out = new Float64Array(bandHu.length).fill(Number.NaN);
  const centre = Math.floor(1.5 / sliceMm);
  const near = Math.max(1, Math.round(1.5 / sliceMm));
  const far = Math.max(near + 1, Math.round(9 / sliceMm));
  const width = Math.max(0, Math.round(4 / sliceMm) - 1);
  const brightest = (k: number, sign: 1 | -1): number => {
    let best = Number.NaN;
    for (let d = near; d + width <= far; d++) {
      const m = meanAround(bandHu, k + sign * d, sign > 0 ? 0 : -width, sign > 0 ? width : 0);
      if (!Number.isNaN(m) && !(m <= best)) best = m;
    }
    return best;
  };
  for (let k = 0; k < bandHu.length; k++) {
    let middle = Number.NaN;
    for (let d = -centre; d <= centre; d++) {
      const v = bandHu[k + d];
      if (v !== undefined && !Number.isNaN(v) && !(v >= middle)) middle = v;
    }
    const above = brightest(k, 1);
    const below = brightest(k, -1);
    if ([middle, above, below].some(Number.isNaN)) continue;
    out[k] = Math.min(above, below) - middle;
  }
  return out;
}

/** Disc centres: contrast maxima above MIN_DISC_CONTRAST_HU, strongest first, at least MIN_PITCH_MM apart; returned superior first (slice indices). */
export function pickDiscs(contrast: Float64Array, sliceMm: number): number[] {
  const candidates: number[] = [];
  contrast.forEach((c, k) => {
    if (!(c >= MIN_DISC_CONTRAST_HU)) return;
    const left = contrast[k - 1];
    const right = contrast[k + 1];
    if ((left === undefined || !(left > c)) && (right === undefined || !(right >= c))) candidates.push(k);
  });
  candidates.sort((a, b) => contrast[b]! - contrast[a]!);
  const chosen: number[] = [];
  for (const k of candidates) if (chosen.every((q) => Math.abs(q - k) * sliceMm >= MIN_PITCH_MM)) chosen.push(k);
  return chosen.sort((a, b) => b - a);
}

/**
 * Per slice: how far bone runs sideways, without a break of more than 4 mm, from the column's
 * centre at the depth of the bodies (the 30 mm behind their anterior wall, so not the transverse
 * processes behind them), mm (the smaller side). A lumbar body reaches 20-25 mm; S1 with its alae
 * 50-60 mm, and further through the sacroiliac joints.
 */
export function lateralBoneHalfWidthMm(volume: Volume3D, track: SpineColumnTrack, profile: VertebralBodyProfile): Float64Array {
  const [nx, ny, nz] = volume.size;
  const [sx, sy] = volume.spacingMm;
  const out = new Float64Array(nz);
  const depth = Math.round(30 / sy);
  const gap = Math.max(1, Math.round(4 / sx));
  for (let k = 0; k < nz; k++) {
    const ci = Math.round(track.xMm[k]! / sx);
    const ja = Math.round(profile.anteriorMm[k]! / sy);
    const boneColumn = (i: number): boolean => {
      if (i < 0 || i >= nx) return false;
      for (let j = Math.max(0, ja); j <= Math.min(ny - 1, ja + depth); j++) if (volume.data[i + nx * (j + ny * k)]! > BONE_HU) return true;
      return false;
    };
    const reach = (sign: 1 | -1): number => {
      let last = 0;
      for (let d = 0; d * sx <= 120; d++) {
        if (boneColumn(ci + sign * d)) last = d;
        else if (d - last > gap) break;
      }
      return last * sx;
    };
    out[k] = Math.min(reach(1), reach(-1));
  }
  return out;
}

/**
 * The top of the sacrum: the top of the tallest stretch of slices where the column's bone runs
 * SACRUM_HALF_WIDTH_MM sideways (gaps up to 3 mm bridged), at least SACRUM_MIN_HEIGHT_MM tall
 * (slice index), or -1. Transverse processes and rib heads are as wide only over 5-15 mm per level;
 * the sacrum with its alae, and the ilia beside it, over 30 mm and more.
 */
export function sacrumTopSlice(halfWidthMm: Float64Array, sliceMm: number): number {
  const need = Math.max(1, Math.round(SACRUM_MIN_HEIGHT_MM / sliceMm));
  const bridge = Math.max(0, Math.floor(3 / sliceMm));
  let best = { top: -1, height: 0 };
  let start = -1;
  let lastWide = -1;
  for (let k = 0; k <= halfWidthMm.length; k++) {
    const wide = k < halfWidthMm.length && halfWidthMm[k]! >= SACRUM_HALF_WIDTH_MM;
    if (wide) {
      if (start < 0 || k - lastWide - 1 > bridge) start = k;
      lastWide = k;
    } else if (start >= 0 && k - lastWide - 1 >= bridge) {
      const height = lastWide - start + 1;
      if (height >= need && height > best.height) best = { top: lastWide, height };
      start = -1;
    }
  }
  return best.top;
}

/**
 * A disc the contrast missed (a thin or degenerate one): a gap between found discs 1.6-2.5 times
 * the median pitch holds two vertebrae; its disc is placed at the strongest contrast of the gap's
 * middle half.
 */
export function splitDoubleGaps(discs: readonly number[], contrast: Float64Array, sliceMm: number): number[] {
  const pitches = discs
    .slice(1)
    .map((k, d) => (discs[d]! - k) * sliceMm)
    .filter((p) => p >= MIN_PITCH_MM && p <= MAX_PITCH_MM)
    .sort((a, b) => a - b);
  if (pitches.length === 0) return [...discs];
  const median = pitches[Math.floor(pitches.length / 2)]!;
  const out: number[] = [discs[0]!];
  for (let d = 1; d < discs.length; d++) {
    const upper = discs[d - 1]!;
    const lower = discs[d]!;
    const gap = (upper - lower) * sliceMm;
    if (gap >= 1.6 * median && gap <= 2.5 * median) {
      const quarter = Math.round((upper - lower) / 4);
      let best = Math.round((upper + lower) / 2);
      for (let k = lower + quarter; k <= upper - quarter; k++) if ((contrast[k] ?? -Infinity) > (contrast[best] ?? -Infinity)) best = k;
      out.push(best);
    }
    out.push(lower);
  }
  return out;
}

const LUMBAR_AND_LOWER_THORACIC = ['L5', 'L4', 'L3', 'L2', 'L1', 'T12', 'T11', 'T10', 'T9', 'T8', 'T7', 'T6'] as const;

/** Counts the vertebrae of a canonical CT volume from anatomy. */
export function countVertebrae(volume: Volume3D): VertebraCount {
  const sz = volume.spacingMm[2];
  const track = trackSpineColumn(volume);
  const profile = vertebralBodyProfile(volume, track);
  const contrast = discContrast(profile.bandHu, sz);
  const found = pickDiscs(contrast, sz);
  const halfWidth = lateralBoneHalfWidthMm(volume, track, profile);
  const sacrumSlice = sacrumTopSlice(halfWidth, sz);
  // The L5-S1 disc: the disc within 12 mm of the sacrum's top (the alae start at S1's upper
  // endplate); when none was seen there (it is the most tilted disc), the sacrum's top itself.
  const nearSacrum = sacrumSlice < 0 ? [] : found.filter((k) => Math.abs(k - sacrumSlice) * sz <= 12);
  const lumbosacral = sacrumSlice < 0 ? undefined : nearSacrum.length > 0 ? nearSacrum.reduce((a, b) => (contrast[b]! > contrast[a]! ? b : a)) : sacrumSlice;
  // Discs below the L5-S1 disc are the sacrum's fused segments.
  const discs = splitDoubleGaps(lumbosacral === undefined ? found : [...found.filter((k) => k > lumbosacral), lumbosacral], contrast, sz);
  // Segments between consecutive discs of a vertebra's pitch.
  const segments: { top: number; bottom: number }[] = [];
  for (let d = 1; d < discs.length; d++) {
    const pitch = (discs[d - 1]! - discs[d]!) * sz;
    if (pitch >= MIN_PITCH_MM && pitch <= MAX_PITCH_MM) segments.push({ top: discs[d - 1]!, bottom: discs[d]! });
  }
  const centreOf = (top: number, bottom: number): [number, number, number] => {
    const k = Math.round((top + bottom) / 2);
    const depths = [];
    for (let q = bottom; q <= top; q++) if (!Number.isNaN(profile.depthMm[q]!)) depths.push(profile.depthMm[q]!);
    depths.sort((a, b) => a - b);
    const depth = depths.length >= 3 ? depths[Math.floor(depths.length / 2)]! : TYPICAL_BODY_DEPTH_MM;
    return [track.xMm[k]!, profile.anteriorMm[k]! + depth / 2, k * sz];
  };
  const vertebrae: CountedVertebra[] = segments.map((s) => ({
    level: null,
    topMm: s.top * sz,
    bottomMm: s.bottom * sz,
    centreMm: centreOf(s.top, s.bottom),
  }));
  let problem: string | null = null;
  if (lumbosacral === undefined) problem = 'no sacrum in the field to count from';
  else {
    // Name the unbroken chain of segments upwards from the L5-S1 disc.
    let bottom = lumbosacral;
    let n = 0;
    for (let s = segments.length - 1; s >= 0 && n < LUMBAR_AND_LOWER_THORACIC.length; s--) {
      if (segments[s]!.bottom !== bottom) continue;
      vertebrae[s]!.level = LUMBAR_AND_LOWER_THORACIC[n]!;
      bottom = segments[s]!.top;
      n++;
    }
    if (n === 0) problem = 'no vertebra found above the lumbosacral disc';
  }
  return {
    vertebrae,
    discsMm: discs.map((k) => k * sz),
    sacrumTopMm: lumbosacral === undefined ? null : lumbosacral * sz,
    problem,
  };
}
