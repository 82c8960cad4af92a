import type { SeededRandom } from '../../core/seeded-random.js';
import { gaussianBlur2D } from '../../imaging/gaussian-blur.js';
import { squareMorphology } from '../../imaging/grey-morphology.js';
import { median } from '../../stats/descriptive.js';

/**
 * Appearance randomisation of the localisation networks' projection windows (issue 19: randomise
 * further so the networks learn anatomy, not this simulator's texture). A simulated MIP draws every
 * rib and transverse process with the same wall, width and brightness; real series differ in all
 * three (voxel size, kernel, age), and carry what the simulator draws rarely or never: contrast in
 * bowel and vessels, calcified plaques, lines and clips, a missing or cut structure. Each change
 * keeps where the bodies are, so the labels stay; each is drawn in a share of the windows only.
 */
export const PROJECTION_APPEARANCE = {
  /** Grey-level opening or closing (3 x 3): thin bright structures thinner or thicker. */
  morphologyShare: 0.3,
  /** A random monotone grey curve (three inner knots) on top of the gamma. */
  curveShare: 0.4,
  /** Bright spots: calcifications, contrast-filled loops, clips (count up to, radius px, brightness 0-1). */
  spotsShare: 0.4,
  spotsMax: 8,
  spotRadiusPx: [0.7, 3.5],
  spotBrightness: [0.35, 1],
  /** Rectangles replaced by the window's median: a structure missing (cutout). */
  occluderShare: 0.3,
  occludersMax: 2,
  occluderSidePx: [8, 36],
  /** A smooth additive field (sigma in px, amplitude in 0-1 units): bowel gas, organs, cupping. */
  fieldShare: 0.3,
  fieldSigmaPx: 12,
  fieldAmplitude: 0.08,
} as const;

function between(random: SeededRandom, [low, high]: readonly [number, number]): number {
  return low + (high - low) * random.nextFloat();
}

/** Opening (erode then dilate) removes bright structures under 3 px; closing fills dark gaps under 3 px. */
function openOrClose(data: Float32Array, columns: number, rows: number, open: boolean): void {
  squareMorphology(data, columns, rows, 1, open ? 'erode' : 'dilate');
  squareMorphology(data, columns, rows, 1, open ? 'dilate' : 'erode');
}

/**
 * A monotone piecewise-linear curve through (0,0), three random inner knots and (1,1): the knots'
 * outputs are sorted uniform draws, so the curve rises everywhere but bends anywhere.
 */
export function randomMonotoneCurve(random: SeededRandom): (value: number) => number {
  const xs = [0, 0.25, 0.5, 0.75, 1];
  const inner = [random.nextFloat(), random.nextFloat(), random.nextFloat()].sort((a, b) => a - b);
  // Halfway between the identity and the draw: bent, never flattened to a step.
  const ys = [0, ...inner.map((y, i) => 0.5 * y + 0.5 * xs[i + 1]!), 1];
  return (value) => {
    const v = Math.min(1, Math.max(0, value));
    const k = Math.min(3, Math.floor(v * 4));
    const t = (v - xs[k]!) / 0.25;
    return ys[k]! + t * (ys[k + 1]! - ys[k]!);
  };
}

function addSpots(data: Float32Array, columns: number, rows: number, random: SeededRandom): void {
  const p = PROJECTION_APPEARANCE;
  const count = 1 + random.nextInt(p.spotsMax);
  for (let s = 0; s < count; s++) {
    const cx = random.nextFloat() * columns;
    const cy = random.nextFloat() * rows;
    const radius = between(random, p.spotRadiusPx);
    const brightness = between(random, p.spotBrightness);
    const reach = Math.ceil(2 * radius);
    for (let r = Math.max(0, Math.floor(cy - reach)); r <= Math.min(rows - 1, Math.ceil(cy + reach)); r++) {
      for (let c = Math.max(0, Math.floor(cx - reach)); c <= Math.min(columns - 1, Math.ceil(cx + reach)); c++) {
        const weight = Math.exp(-((c - cx) ** 2 + (r - cy) ** 2) / (2 * radius * radius));
        // A MIP keeps the brighter of the spot and what lies behind it.
        data[r * columns + c] = Math.max(data[r * columns + c]!, brightness * weight);
      }
    }
  }
}

function addOccluders(data: Float32Array, columns: number, rows: number, random: SeededRandom): void {
  const p = PROJECTION_APPEARANCE;
  const fill = median(data);
  const count = 1 + random.nextInt(p.occludersMax);
  for (let o = 0; o < count; o++) {
    const width = Math.round(between(random, p.occluderSidePx));
    const height = Math.round(between(random, p.occluderSidePx));
    const c0 = random.nextInt(Math.max(1, columns - width));
    const r0 = random.nextInt(Math.max(1, rows - height));
    for (let r = r0; r < Math.min(rows, r0 + height); r++) data.fill(fill, r * columns + c0, r * columns + Math.min(columns, c0 + width));
  }
}

function addSmoothField(data: Float32Array, columns: number, rows: number, random: SeededRandom): void {
  const p = PROJECTION_APPEARANCE;
  const field = new Float32Array(data.length);
  for (let i = 0; i < field.length; i++) field[i] = random.nextNormal();
  gaussianBlur2D(field, columns, rows, p.fieldSigmaPx);
  let peak = 0;
  for (const v of field) peak = Math.max(peak, Math.abs(v));
  const scale = peak > 0 ? (p.fieldAmplitude * random.nextFloat()) / peak : 0;
  for (let i = 0; i < data.length; i++) data[i] = data[i]! + scale * field[i]!;
}

/** Randomises a 0-1 projection window's appearance in place (each change in its share of windows), kept in 0-1. */
export function randomiseProjectionAppearance(data: Float32Array, columns: number, rows: number, random: SeededRandom): void {
  const p = PROJECTION_APPEARANCE;
  if (random.nextFloat() < p.morphologyShare) openOrClose(data, columns, rows, random.nextFloat() < 0.5);
  if (random.nextFloat() < p.curveShare) {
    const curve = randomMonotoneCurve(random);
    for (let i = 0; i < data.length; i++) data[i] = curve(data[i]!);
  }
  if (random.nextFloat() < p.spotsShare) addSpots(data, columns, rows, random);
  if (random.nextFloat() < p.occluderShare) addOccluders(data, columns, rows, random);
  if (random.nextFloat() < p.fieldShare) addSmoothField(data, columns, rows, random);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, data[i]!));
}
