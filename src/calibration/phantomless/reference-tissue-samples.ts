import type { Volume3D } from '../../core/volume3d.js';
import { median } from '../../stats/descriptive.js';

/** Anything denser than lung or gas is body. */
const BODY_HU = -400;
/** The paraspinal muscles lie within this many mm in front of the skin of the back (erector spinae and multifidus, 40-70 mm deep in adults). */
const PARASPINAL_DEPTH_MM = 90;
/** ... and this far either side of the midline, clear of the spinous processes. */
const PARASPINAL_INNER_MM = 12;
const PARASPINAL_OUTER_MM = 60;
/** Unenhanced soft tissue reads 15-100 HU; water-filled phantoms and bowel fluid (about 0) and fat (below -50) stay out. */
const MUSCLE_WINDOW_HU: readonly [number, number] = [15, 100];
/** Fat reads -150 to -50 HU on clinical CT. */
const FAT_WINDOW_HU: readonly [number, number] = [-150, -50];
const MAX_SAMPLES = 200_000;
/** Half-width of the window that settles on a tissue's peak, HU (about twice the sd of a 4 x 4 mm mean at low dose). */
const PEAK_HALF_WIDTH_HU = 10;
/**
 * Tissues are read as local means over about 4 x 4 mm (5 x 5 voxels at 0.8 mm, one voxel at 3 mm):
 * at low dose a voxel's noise (30-40 HU at 0.8 mm) spreads a tissue over the whole window, the
 * means keep its homogeneous core; wider means would mix muscle with the fat between its bundles.
 */
const LOCAL_MEAN_HALF_MM = 2;

/** The HU of each reference tissue in the slices read: the peak of local in-plane means (air: the median of single voxels). */
export interface ReferenceTissueSamples {
  airHu: number;
  fatHu: number;
  muscleHu: number;
  counts: { air: number; fat: number; muscle: number };
  /** Body area per slice, cm2 (for the record: the patient's size). */
  bodyAreaCm2: number;
}

/**
 * The peak of a tissue's local means: the mode of a 2 HU histogram (smoothed over 5 bins), refined
 * by mean shift (the mean within `halfWidthHu`, recentred until it settles). A mode, not a median
 * or a window mean, because the window also holds the one-sided tails of the neighbouring tissues
 * (fat-infiltrated muscle, means straddling a boundary); a window centred on the peak sees them
 * on one side only in its margins.
 */
export function tissuePeakHu(values: readonly number[], window: readonly [number, number], halfWidthHu: number): number {
  const bins = Math.ceil((window[1] - window[0]) / 2);
  const counts = new Float64Array(bins);
  for (const v of values) {
    const b = Math.floor((v - window[0]) / 2);
    if (b >= 0 && b < bins) counts[b]! += 1;
  }
  let best = -1;
  let bestCount = -1;
  for (let b = 0; b < bins; b++) {
    let s = 0;
    for (let d = -2; d <= 2; d++) s += counts[b + d] ?? 0;
    if (s > bestCount) {
      bestCount = s;
      best = b;
    }
  }
  let peak = window[0] + 2 * best + 1;
  for (let iteration = 0; iteration < 20; iteration++) {
    let sum = 0;
    let n = 0;
    for (const v of values)
      if (Math.abs(v - peak) <= halfWidthHu) {
        sum += v;
        n++;
      }
    if (n === 0) return Number.NaN;
    const next = sum / n;
    const settled = Math.abs(next - peak) < 0.01;
    peak = next;
    if (settled) break;
  }
  return peak;
}

/**
 * Reads the reference tissues of a canonical CT volume (+x patient left, +y posterior) over a range
 * of slices: air outside the body; fat anywhere in it (subcutaneous and visceral); muscle behind the
 * spine, where the paraspinal muscles fill the space between the back's skin and fat and the
 * vertebral arches in every patient. Every second slice, local means of about 4 x 4 mm.
 */
export function sampleReferenceTissues(volume: Volume3D, sliceRange: readonly [number, number]): ReferenceTissueSamples {
  const [nx, ny] = volume.size;
  const [sx, sy] = volume.spacingMm;
  const air: number[] = [];
  const fat: number[] = [];
  const muscle: number[] = [];
  let bodyVoxels = 0;
  let slices = 0;
  const data = volume.data;
  const hx = Math.floor(LOCAL_MEAN_HALF_MM / sx);
  const hy = Math.floor(LOCAL_MEAN_HALF_MM / sy);
  const localCount = (2 * hx + 1) * (2 * hy + 1);
  const localMean = (base: number, i: number, j: number): number => {
    let sum = 0;
    for (let dj = -hy; dj <= hy; dj++) for (let di = -hx; di <= hx; di++) sum += data[base + (j + dj) * nx + i + di]!;
    return sum / localCount;
  };
  for (let k = sliceRange[0]; k <= sliceRange[1]; k += 2) {
    slices++;
    const base = nx * ny * k;
    let sliceBody = 0;
    let sumI = 0;
    for (let p = 0; p < nx * ny; p += 3) {
      const v = data[base + p]!;
      if (v < -900) {
        // Outside the reconstruction circle scanners write a padding value (-2000, -3024): not air.
        if (v < -1100) continue;
        if (air.length < MAX_SAMPLES) air.push(v);
      } else if (v > -200) {
        bodyVoxels++;
        sliceBody++;
        const i = p % nx;
        sumI += i;
        const j = Math.floor(p / nx);
        if (v < 0 && fat.length < MAX_SAMPLES && i >= hx && j >= hy && i < nx - hx && j < ny - hy) {
          const m = localMean(base, i, j);
          if (m >= FAT_WINDOW_HU[0] && m <= FAT_WINDOW_HU[1]) fat.push(m);
        }
      }
    }
    if (sliceBody === 0) continue;
    const midI = Math.round(sumI / sliceBody);
    const back = backSkinRow(volume, base, midI);
    if (back < 0) continue;
    const top = Math.max(hy, back - Math.round(PARASPINAL_DEPTH_MM / sy));
    const inner = Math.round(PARASPINAL_INNER_MM / sx);
    const outer = Math.round(PARASPINAL_OUTER_MM / sx);
    for (let j = top; j <= Math.min(back, ny - 1 - hy); j++)
      for (let d = inner; d <= outer; d++)
        for (const i of [midI - d, midI + d]) {
          if (i < hx || i >= nx - hx || muscle.length >= MAX_SAMPLES) continue;
          const v = data[base + j * nx + i]!;
          if (v < -150 || v > 250) continue;
          const m = localMean(base, i, j);
          if (m >= MUSCLE_WINDOW_HU[0] && m <= MUSCLE_WINDOW_HU[1]) muscle.push(m);
        }
  }
  const bodyAreaCm2 = slices > 0 ? ((bodyVoxels * 3) / slices) * sx * sy * 0.01 : 0;
  return {
    airHu: median(air),
    fatHu: tissuePeakHu(fat, FAT_WINDOW_HU, PEAK_HALF_WIDTH_HU),
    muscleHu: tissuePeakHu(muscle, MUSCLE_WINDOW_HU, PEAK_HALF_WIDTH_HU),
    counts: { air: air.length, fat: fat.length, muscle: muscle.length },
    bodyAreaCm2,
  };
}

/**
 * The row of the back's skin under the midline: the posterior end of the longest run of body along
 * the column (the table and any phantom under the patient are shorter runs behind it). -1 when the
 * column holds no body.
 */
function backSkinRow(volume: Volume3D, base: number, column: number): number {
  const [nx, ny] = volume.size;
  let bestEnd = -1;
  let bestLength = 0;
  let runStart = -1;
  for (let j = 0; j <= ny; j++) {
    const inBody = j < ny && volume.data[base + j * nx + column]! > BODY_HU;
    if (inBody && runStart < 0) runStart = j;
    if (!inBody && runStart >= 0) {
      if (j - runStart > bestLength) {
        bestLength = j - runStart;
        bestEnd = j - 1;
      }
      runStart = -1;
    }
  }
  return bestEnd;
}
