import type { Volume3D } from '../../core/volume3d.js';
import type { SpineColumnTrack } from './spine-column-track.js';
import { BONE_HU, trackSpineColumn } from './spine-column-track.js';
import type { RibReach } from './rib-bearing-vertebrae.js';
import { bearsRib, ribReachMm } from './rib-bearing-vertebrae.js';
import type { VertebralBodyProfile } from './vertebral-body-profile.js';
import { vertebralBodyProfile } from './vertebral-body-profile.js';

/**
 * Vertebrae counted from anatomy, without a network: the discs along the column (minima of the
 * bodies' profile between the endplates), and the sacrum (the column's bone running on into the
 * alae, wider than any lumbar body). Counting up from the sacrum names L5, L4 and so on. The lowest
 * rib-bearing vertebra is the second anchor: T12 in a typical spine, so it checks the count from the
 * sacrum, and names the levels (counting down from it) where the sacrum is not in the field. It is the
 * cross-check of the localisation network and its fallback when the network finds nothing.
 */
export interface CountedVertebra {
  /** Name counted from the sacrum (L5 the lowest mobile one), else from the lowest rib (T12); null when neither anchor is in the field. */
  level: string | null;
  /** How far bone runs sideways from the vertebra's rib heads' zone (rib-bearing-vertebrae.ts). */
  ribReach: RibReach;
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
  /** Which anchor named the levels. */
  namedFrom: 'sacrum' | 'lowest rib' | null;
  /** Index in `vertebrae` of the lowest rib-bearing vertebra (the lowest of the unbroken run of rib-bearing vertebrae from the top of the field); null when the field's top vertebra bears none. */
  lowestRibBearing: number | null;
  /** The two anchors disagree: the lowest rib-bearing vertebra is not the T12 counted from the sacrum (a transitional vertebra, 11 or 13 rib pairs, a short twelfth rib, or a miscount). */
  ribDisagreement: string | null;
  /** Why no level could be named (null when the count names them). */
  problem: string | null;
}

/** A lumbar pitch when no neighbour gives one, mm. */
const TYPICAL_PITCH_MM = 35;
/** Vertebral pitch (body plus disc) of adult T10-L5, mm: 25-45 (Panjabi 1991/1992 body heights 21-29 mm, discs 5-12 mm). */
export const MIN_PITCH_MM = 18;
export const MAX_PITCH_MM = 50;
/** The walls' contrast may fall this far short of the band's, HU (a disc's walls are darker than the bodies' by 50-300 HU; a false disc's by nothing). */
const RIM_CONTRAST_ALLOWANCE_HU = 10;
/** The walls alone speak for a disc at this share of their contrast (a 120 HU dip of both walls is a disc the band crossed obliquely). */
const RIM_ALONE_SHARE = 0.25;

/**
 * A disc's contrast from the band and the walls: the band's, unless the walls show no dip (then it
 * is an osteoporotic body's dark middle), or a share of the walls' where they dip deeply while the
 * band, crossing a tilted disc obliquely, does not.
 */
export function combinedDiscContrast(bandContrast: Float64Array, rimContrast: Float64Array): Float64Array {
  return bandContrast.map((c, k) => {
    const rim = rimContrast[k]!;
    if (Number.isNaN(rim)) return c;
    const both = Math.min(c, rim + RIM_CONTRAST_ALLOWANCE_HU);
    const wallsAlone = RIM_ALONE_SHARE * rim;
    return Number.isNaN(both) ? wallsAlone : Math.max(both, wallsAlone);
  });
}
/** Disc contrast: endplates either side above the disc's middle by at least this much, HU (discs 80-120 HU, endplates > 200). */
export const MIN_DISC_CONTRAST_HU = 30;
/**
 * The sacrum: bone continuous from the column's centre, through the ala and across the sacroiliac
 * joint (at about 54 mm from the midline: interauricular distance 108.7 +- 11 mm, Oman Med J 2018),
 * into the ilium beyond it, at least this far sideways, mm. Lumbar transverse processes end 40-50 mm
 * from the midline, and the iliac crests beside L4-L5 are separated from them by the psoas.
 */
export const SACRUM_HALF_WIDTH_MM = 70;
/**
 * ... over at least this height, mm: the sacroiliac joint spans 56 +- 4.6 mm of the sacrum (auricular
 * height, ibid.), while a rib reaching as far at its costovertebral joint does so over 10-15 mm.
 */
const SACRUM_MIN_HEIGHT_MM = 25;
/** The band the lateral reach is looked for in, from in front of the bodies' anterior wall to behind it, mm: the sacrum tilts backwards 30-50 degrees below its base (sacral slope 24-55 degrees, Mac-Thiong 2011), so within 40 mm below the base it lies up to 40 mm behind the L5 wall. */
const SACRUM_BAND_MM: readonly [number, number] = [-10, 60];
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
  const windowMean = (k: number, sign: 1 | -1, d: number): number => meanAround(bandHu, k + sign * d, sign > 0 ? 0 : -width, sign > 0 ? width : 0);
  const brightest = (k: number, sign: 1 | -1): number => {
    let best = Number.NaN;
    let bestD = -1;
    for (let d = near; d + width <= far; d++) {
      const m = windowMean(k, sign, d);
      if (!Number.isNaN(m) && !(m <= best)) {
        best = m;
        bestD = d;
      }
    }
    // The brightest at the window's far edge with brighter beyond it is a ramp towards an endplate
    // further away, not an endplate beside a disc: the middle of a body whose walls waist.
    if (bestD + width === far && windowMean(k, sign, far - width + 1) > best) return RAMP;
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
    // Not a disc (no contrast), rather than unknown: the walls' profile still vetoes the band there.
    if (above === RAMP || below === RAMP) {
      out[k] = 0;
      continue;
    }
    out[k] = Math.min(above, below) - middle;
  }
  return out;
}

/** A flank that keeps brightening beyond the window (discContrast's marker; no HU is this low). */
const RAMP = -1e9;

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
 * centre, in the band SACRUM_BAND_MM around the bodies' anterior wall (any depth in it), mm (the
 * smaller side). A lumbar vertebra reaches 20-50 mm (body, then transverse processes); S1-S3 with
 * their alae and the ilia beside them 80 mm and more.
 */
export function lateralBoneHalfWidthMm(volume: Volume3D, track: SpineColumnTrack, profile: VertebralBodyProfile): Float64Array {
  const [nx, ny, nz] = volume.size;
  const [sx, sy] = volume.spacingMm;
  const out = new Float64Array(nz);
  const gap = Math.max(1, Math.round(4 / sx));
  for (let k = 0; k < nz; k++) {
    const ci = Math.round(track.xMm[k]! / sx);
    const ja = Math.round((profile.anteriorMm[k]! + SACRUM_BAND_MM[0]) / sy);
    const jb = Math.round((profile.anteriorMm[k]! + SACRUM_BAND_MM[1]) / sy);
    const boneColumn = (i: number): boolean => {
      if (i < 0 || i >= nx) return false;
      for (let j = Math.max(0, ja); j <= Math.min(ny - 1, jb); j++) if (volume.data[i + nx * (j + ny * k)]! > BONE_HU) return true;
      return false;
    };
    const reach = (sign: 1 | -1): number => {
      let last = 0;
      for (let d = 0; d * sx <= 150; d++) {
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
 * Discs the contrast missed (a thin, degenerate or steeply tilted one): a gap between found discs
 * longer than any vertebra's pitch holds two or three vertebrae, as many as the local pitch fits
 * (the nearest gaps of one vertebra's pitch above and below it; the pitch grows 20-40 % from T10
 * to L4, Panjabi 1991/1992); each missing disc goes to the strongest contrast of its slot.
 */
export function splitDoubleGaps(discs: readonly number[], contrast: Float64Array, sliceMm: number): number[] {
  const gaps = discs.slice(1).map((k, d) => (discs[d]! - k) * sliceMm);
  const localPitch = (d: number): number | null => {
    const near: number[] = [];
    for (let q = d - 1; q >= 0 && near.length < 1; q--) if (isOnePitch(gaps[q]!)) near.push(gaps[q]!);
    for (let q = d + 1; q < gaps.length && near.length < 2; q++) if (isOnePitch(gaps[q]!)) near.push(gaps[q]!);
    return near.length === 0 ? null : near.reduce((x, y) => x + y, 0) / near.length;
  };
  if (discs.length === 0) return [];
  const out: number[] = [discs[0]!];
  for (let d = 1; d < discs.length; d++) {
    const upper = discs[d - 1]!;
    const lower = discs[d]!;
    // No vertebra's pitch exceeds MAX_PITCH_MM, so a longer gap holds a missed disc: two or three
    // vertebrae, as many as the local pitch fits.
    const gap = gaps[d - 1]!;
    const pitch = localPitch(d - 1) ?? TYPICAL_PITCH_MM;
    const parts = gap > MAX_PITCH_MM ? Math.max(2, Math.round(gap / pitch)) : 1;
    if (parts >= 2 && parts <= 3) {
      // Each missing disc at the strongest contrast within the middle half of its expected slot.
      const slot = (upper - lower) / parts;
      for (let m = 1; m < parts; m++) {
        const expected = upper - m * slot;
        let best = Math.round(expected);
        for (let k = Math.round(expected - slot / 4); k <= Math.round(expected + slot / 4); k++)
          if ((contrast[k] ?? -Infinity) > (contrast[best] ?? -Infinity)) best = k;
        out.push(best);
      }
    }
    out.push(lower);
  }
  return out;
}

/** A gap between discs that one vertebra fills. */
function isOnePitch(gapMm: number): boolean {
  return gapMm >= MIN_PITCH_MM && gapMm <= MAX_PITCH_MM;
}

/** Spread of a sequence of pitches: the sum of squared log ratios of neighbours. */
function pitchRoughness(discs: readonly number[]): number {
  let sum = 0;
  for (let d = 2; d < discs.length; d++) {
    const upper = discs[d - 2]! - discs[d - 1]!;
    const lower = discs[d - 1]! - discs[d]!;
    if (upper > 0 && lower > 0) sum += Math.log(upper / lower) ** 2;
  }
  return sum;
}

/**
 * A false disc (the darker middle of an osteoporotic body, where the basivertebral veins enter, or
 * an endplate defect) splits a vertebra in two short segments. Adjacent vertebrae differ in pitch
 * by 10-20 % (Panjabi 1991/1992), so a segment under 0.65 times the local pitch has one false end:
 * the one whose removal leaves the steadiest pitches is dropped. The lumbosacral disc is kept. With
 * the discs' contrast, a short segment between two discs as clear as the spine's typical disc
 * (each at least CLEAR_DISC_SHARE of the median) is kept: a vertebra shortened by a fracture, not
 * a false split (a body's dark middle dips by a fraction of a disc's contrast).
 */
export function dropSpuriousDiscs(discs: readonly number[], sliceMm: number, keep?: number, contrast?: Float64Array): number[] {
  const clear = (k: number, median: number): boolean => contrast !== undefined && (contrast[k] ?? 0) >= CLEAR_DISC_SHARE * median;
  let out = [...discs];
  for (let guard = 0; guard < discs.length; guard++) {
    const gaps = out.slice(1).map((k, d) => (out[d]! - k) * sliceMm);
    const sorted = gaps.filter(isOnePitch).sort((a, b) => a - b);
    if (sorted.length < 3) return out;
    const typical = sorted[Math.floor(sorted.length / 2)]!;
    const contrasts = contrast === undefined ? [] : out.map((k) => contrast[k] ?? 0).sort((a, b) => a - b);
    const median = contrasts[Math.floor(contrasts.length / 2)] ?? 0;
    const short = gaps.findIndex((g, d) => g < 0.65 * typical && !(clear(out[d]!, median) && clear(out[d + 1]!, median)));
    if (short < 0) return out;
    const candidates = [short, short + 1].filter((d) => out[d] !== keep);
    if (candidates.length === 0) return out;
    const best = candidates.map((d) => ({ d, rough: pitchRoughness(out.filter((_, q) => q !== d)) })).reduce((a, b) => (b.rough < a.rough ? b : a));
    out = out.filter((_, q) => q !== best.d);
  }
  return out;
}

/** Both ends of a short segment at least this share of the median disc contrast: a short vertebra, not a false split. */
const CLEAR_DISC_SHARE = 0.6;

const LUMBAR_AND_LOWER_THORACIC = ['L5', 'L4', 'L3', 'L2', 'L1', 'T12', 'T11', 'T10', 'T9', 'T8', 'T7', 'T6'] as const;

/** Counts the vertebrae of a canonical CT volume from anatomy. */
export function countVertebrae(volume: Volume3D): VertebraCount {
  const sz = volume.spacingMm[2];
  const track = trackSpineColumn(volume);
  const profile = vertebralBodyProfile(volume, track);
  // A disc is dark in the band and its walls are dark too (no cortical shell round the annulus).
  const bandContrast = discContrast(profile.bandHu, sz);
  const rimContrast = discContrast(profile.rimHu, sz);
  const contrast = combinedDiscContrast(bandContrast, rimContrast);
  const found = pickDiscs(contrast, sz);
  const halfWidth = lateralBoneHalfWidthMm(volume, track, profile);
  const sacrumSlice = sacrumTopSlice(halfWidth, sz);
  // The L5-S1 disc: the disc within 12 mm of the sacrum's top (the alae start at S1's upper
  // endplate); when none was seen there (it is the most tilted disc), the sacrum's top itself.
  const nearSacrum = sacrumSlice < 0 ? [] : found.filter((k) => Math.abs(k - sacrumSlice) * sz <= 12);
  const lumbosacral = sacrumSlice < 0 ? undefined : nearSacrum.length > 0 ? nearSacrum.reduce((a, b) => (contrast[b]! > contrast[a]! ? b : a)) : sacrumSlice;
  // Discs below the L5-S1 disc are the sacrum's fused segments.
  const discs = splitDoubleGaps(
    dropSpuriousDiscs(lumbosacral === undefined ? found : [...found.filter((k) => k > lumbosacral), lumbosacral], sz, lumbosacral, contrast),
    contrast,
    sz,
  );
  // Segments between consecutive discs of a vertebra's pitch.
  const segments: { top: number; bottom: number }[] = [];
  for (let d = 1; d < discs.length; d++) {
    const pitch = (discs[d - 1]! - discs[d]!) * sz;
    if (isOnePitch(pitch)) segments.push({ top: discs[d - 1]!, bottom: discs[d]! });
  }
  const centreOf = (top: number, bottom: number): [number, number, number] => {
    const k = Math.round((top + bottom) / 2);
    const depths = [];
    for (let q = bottom; q <= top; q++) if (!Number.isNaN(profile.depthMm[q]!)) depths.push(profile.depthMm[q]!);
    depths.sort((a, b) => a - b);
    const depth = depths.length >= 3 ? depths[Math.floor(depths.length / 2)]! : TYPICAL_BODY_DEPTH_MM;
    return [track.xMm[k]!, profile.anteriorMm[k]! + depth / 2, k * sz];
  };
  const vertebrae: CountedVertebra[] = segments.map((s) => {
    const counted = { topMm: s.top * sz, bottomMm: s.bottom * sz, centreMm: centreOf(s.top, s.bottom) };
    return { level: null, ...counted, ribReach: ribReachMm(volume, counted) };
  });
  const lowestRibBearing = lowestRibBearingIndex(segments, vertebrae);
  let problem: string | null = null;
  let namedFrom: VertebraCount['namedFrom'] = null;
  if (lumbosacral !== undefined) {
    // Name the unbroken chain of segments upwards from the L5-S1 disc.
    let bottom = lumbosacral;
    let n = 0;
    for (let s = segments.length - 1; s >= 0 && n < LUMBAR_AND_LOWER_THORACIC.length; s--) {
      if (segments[s]!.bottom !== bottom) continue;
      vertebrae[s]!.level = LUMBAR_AND_LOWER_THORACIC[n]!;
      bottom = segments[s]!.top;
      n++;
    }
    if (n > 0) namedFrom = 'sacrum';
  }
  if (namedFrom === null && lowestRibBearing !== null) {
    nameFromLowestRib(segments, vertebrae, lowestRibBearing);
    namedFrom = 'lowest rib';
  }
  if (namedFrom === null)
    problem =
      lumbosacral === undefined
        ? 'neither the sacrum nor a rib-bearing vertebra in the field to count from'
        : 'no vertebra found above the lumbosacral disc, and no rib-bearing vertebra';
  const anchorName = lowestRibBearing === null ? null : vertebrae[lowestRibBearing]!.level;
  const ribDisagreement =
    namedFrom === 'sacrum' && lowestRibBearing !== null && anchorName !== 'T12'
      ? `the lowest rib-bearing vertebra is the one counted from the sacrum as ${anchorName ?? 'an unnamed level'}, not T12 (a transitional vertebra, 11 or 13 rib pairs, or a short twelfth rib)`
      : null;
  return {
    vertebrae,
    discsMm: discs.map((k) => k * sz),
    sacrumTopMm: lumbosacral === undefined ? null : lumbosacral * sz,
    namedFrom,
    lowestRibBearing,
    ribDisagreement,
    problem,
  };
}

/**
 * Rib-bearing vertebrae that must follow the field's top vertebra, in an unbroken chain, for that top
 * one to be passed over when it shows no rib: a thoracic stack, which nothing near the pelvis makes
 * (an iliac crest reaches a rib's length beside L4-L5 at most).
 */
export const RIB_CHAIN_BELOW_SKIPPED_TOP = 3;

/**
 * The lowest rib-bearing vertebra: from the field's top vertebra down the unbroken chain of segments
 * (superior first), the last one that bears a rib before one that does not. Null when the top one
 * bears none (the field starts below the ribs). Bone near the pelvis that reaches as far as a rib
 * (an iliac crest beside L4-L5) is never reached this way. The top vertebra alone may show no rib
 * and be passed over when a thoracic stack follows (RIB_CHAIN_BELOW_SKIPPED_TOP): the field's first
 * vertebra has its rib heads cut or, on a noisy thick-slice series, under the bone threshold (seen
 * on a development cohort of projection-physics series, where the count then named nothing).
 */
export function lowestRibBearingIndex(segments: readonly { top: number; bottom: number }[], vertebrae: readonly CountedVertebra[]): number | null {
  if (vertebrae.length === 0) return null;
  const chainFrom = (first: number): number => {
    let lowest = first;
    for (let s = first + 1; s < segments.length && segments[s]!.top === segments[s - 1]!.bottom && bearsRib(vertebrae[s]!.ribReach); s++) lowest = s;
    return lowest;
  };
  if (bearsRib(vertebrae[0]!.ribReach)) return chainFrom(0);
  if (vertebrae.length < 1 + RIB_CHAIN_BELOW_SKIPPED_TOP || segments[1]!.top !== segments[0]!.bottom || !bearsRib(vertebrae[1]!.ribReach)) return null;
  const lowest = chainFrom(1);
  return lowest - 1 >= RIB_CHAIN_BELOW_SKIPPED_TOP - 1 ? lowest : null;
}

/** Names the chain through the lowest rib-bearing vertebra: it is T12, those below L1-L5, those above T11 and up. */
export function nameFromLowestRib(segments: readonly { top: number; bottom: number }[], vertebrae: CountedVertebra[], anchor: number): void {
  const lumbar = ['L1', 'L2', 'L3', 'L4', 'L5'];
  vertebrae[anchor]!.level = 'T12';
  for (let s = anchor + 1, n = 0; s < segments.length && n < lumbar.length && segments[s]!.top === segments[s - 1]!.bottom; s++, n++)
    vertebrae[s]!.level = lumbar[n]!;
  for (let s = anchor - 1, t = 11; s >= 0 && t >= 1 && segments[s]!.bottom === segments[s + 1]!.top; s--, t--) vertebrae[s]!.level = `T${t}`;
}
