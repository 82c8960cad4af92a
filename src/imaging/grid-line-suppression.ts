import type { Image2D } from '../core/image2d.js';
import { nextPowerOfTwo, transformOfSize } from './fft2d.js';

/**
 * Where a stationary anti-scatter grid left lines: the axis they modulate (across columns: lines
 * running down the image; across rows: lines running across it), their period after aliasing at the
 * detector's pixels, and how far the peak stands above the spectrum around it.
 */
export interface GridLines {
  across: 'columns' | 'rows';
  periodPixels: number;
  peakRatio: number;
}

/** A peak this many times the median power around it is a grid's line, not anatomy (on development cohorts anatomy reached 7, grids 40-700). */
const MIN_PEAK_RATIO = 20;
/** Periods searched, pixels: from just above the sampling limit to what a grid aliases to at most. */
const PERIOD_RANGE: readonly [number, number] = [2, 64];
/** The demodulation averages over this many periods (amplitude may change across the image). */
const PERIODS_AVERAGED = 12;

/**
 * Finds grid lines and removes them: the power spectrum of every line of pixels, averaged, shows a
 * grid's aliased frequency as a narrow peak; the sinusoid at that frequency is then measured
 * locally (demodulated and averaged over a few periods, so its amplitude may follow the anatomy)
 * and subtracted. Returns the cleaned image (the input when no lines are found) and what was found.
 */
export function suppressGridLines(image: Image2D): { image: Image2D; removed: GridLines[] } {
  const [columns, rows] = image.size;
  let data: Float64Array | undefined;
  const removed: GridLines[] = [];
  for (const across of ['columns', 'rows'] as const) {
    // The image is copied only once lines are found (most radiographs have none).
    const found = findGridLines(data ?? (image.data as ArrayLike<number>), columns, rows, across);
    if (found === undefined) continue;
    const source = data ?? Float64Array.from(image.data as ArrayLike<number>);
    removeSinusoid(source, columns, rows, across, found.periodPixels);
    data = source;
    removed.push(found);
  }
  if (data === undefined) return { image, removed };
  return { image: { ...image, data: Float32Array.from(data) }, removed };
}

/** The axis's mean line spectrum and its strongest narrow peak within PERIOD_RANGE, if it stands out. */
export function findGridLines(data: ArrayLike<number>, columns: number, rows: number, across: 'columns' | 'rows'): GridLines | undefined {
  const length = across === 'columns' ? columns : rows;
  const lines = across === 'columns' ? rows : columns;
  const n = nextPowerOfTwo(length);
  const transform = transformOfSize(n);
  const input = new Float64Array(2 * n);
  const output = new Float64Array(2 * n);
  const power = new Float64Array(n / 2 + 1);
  const step = Math.max(1, Math.floor(lines / 256));
  for (let l = 0; l < lines; l += step) {
    input.fill(0);
    let mean = 0;
    for (let k = 0; k < length; k++) mean += valueAt(data, columns, across, l, k);
    mean /= length;
    // Hann-windowed so the line's ends do not smear power across the spectrum.
    for (let k = 0; k < length; k++) input[2 * k] = (valueAt(data, columns, across, l, k) - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * k) / (length - 1)));
    transform.transform(output, input);
    for (let f = 0; f <= n / 2; f++) power[f]! += output[2 * f]! ** 2 + output[2 * f + 1]! ** 2;
  }
  // The most prominent bin: the highest power relative to the spectrum around it (anatomy's power
  // falls smoothly with frequency; a grid's is one narrow line).
  // Bins with neighbours on both sides (a narrow peak is judged against both).
  const lowest = Math.max(7, Math.ceil(n / PERIOD_RANGE[1]));
  const highest = Math.min(n / 2, Math.floor(n / PERIOD_RANGE[0]));
  let best = -1;
  let peakRatio = 0;
  const medianOf = (from: number, to: number): number => {
    const values: number[] = [];
    for (let g = Math.max(1, from); g <= Math.min(n / 2, to); g++) values.push(power[g]!);
    values.sort((a, b) => a - b);
    return values.length < 4 ? 0 : values[Math.floor(values.length / 2)]!;
  };
  for (let f = lowest; f <= highest; f++) {
    // Above both sides: a slope (anatomy's power falling with frequency) stands above one side only.
    const reference = Math.max(medianOf(f - 24, f - 3), medianOf(f + 3, f + 24));
    const ratio = reference > 0 ? power[f]! / reference : 0;
    if (ratio > peakRatio) {
      peakRatio = ratio;
      best = f;
    }
  }
  if (best < 0 || !(peakRatio >= MIN_PEAK_RATIO)) return undefined;
  // The peak's position between bins (a parabola through the log powers).
  const [a, b, c] = [power[best - 1] ?? power[best]!, power[best]!, power[best + 1] ?? power[best]!].map((v) => Math.log(Math.max(v, 1e-30))) as [
    number,
    number,
    number,
  ];
  const shift = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
  return { across, periodPixels: n / (best + Math.max(-0.5, Math.min(0.5, shift))), peakRatio };
}

/** Subtracts, in place, the sinusoid of a period along the axis, its amplitude and phase measured locally. */
function removeSinusoid(data: Float64Array, columns: number, rows: number, across: 'columns' | 'rows', periodPixels: number): void {
  const length = across === 'columns' ? columns : rows;
  const lines = across === 'columns' ? rows : columns;
  const omega = (2 * Math.PI) / periodPixels;
  const half = Math.max(2, Math.round((PERIODS_AVERAGED * periodPixels) / 2));
  const cos = Float64Array.from({ length }, (_, k) => Math.cos(omega * k));
  const sin = Float64Array.from({ length }, (_, k) => Math.sin(omega * k));
  // The line's own slow variation leaks into the products: its local mean times the window's mean of cos and sin is taken back out.
  const cosMean = boxMean(cos, half);
  const sinMean = boxMean(sin, half);
  const line = new Float64Array(length);
  const inPhase = new Float64Array(length);
  const quadrature = new Float64Array(length);
  for (let l = 0; l < lines; l++) {
    for (let k = 0; k < length; k++) {
      const v = valueAt(data, columns, across, l, k);
      line[k] = v;
      inPhase[k] = v * cos[k]!;
      quadrature[k] = v * sin[k]!;
    }
    const i = boxMean(inPhase, half);
    const q = boxMean(quadrature, half);
    const level = boxMean(line, half);
    for (let k = 0; k < length; k++) {
      const ampCos = 2 * (i[k]! - level[k]! * cosMean[k]!);
      const ampSin = 2 * (q[k]! - level[k]! * sinMean[k]!);
      const index = across === 'columns' ? l * columns + k : k * columns + l;
      data[index] = line[k]! - (ampCos * cos[k]! + ampSin * sin[k]!);
    }
  }
}

function valueAt(data: ArrayLike<number>, columns: number, across: 'columns' | 'rows', line: number, k: number): number {
  return Number(across === 'columns' ? data[line * columns + k] : data[k * columns + line]);
}

/** Mean over a window of +-half samples (shorter at the ends). */
function boxMean(values: Float64Array, half: number): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  let count = 0;
  for (let k = 0; k <= Math.min(half, values.length - 1); k++) {
    sum += values[k]!;
    count++;
  }
  for (let k = 0; k < values.length; k++) {
    out[k] = sum / count;
    const enter = k + half + 1;
    const leave = k - half;
    if (enter < values.length) {
      sum += values[enter]!;
      count++;
    }
    if (leave >= 0) {
      sum -= values[leave]!;
      count--;
    }
  }
  return out;
}
