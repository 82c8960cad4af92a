import { squareMorphology } from './grey-morphology.js';
import { transformLines } from './line-passes.js';

/**
 * The image's local floor: the minimum over a (2r+1)-square window (a grey-level erosion, separable),
 * then the mean over the same window to smooth the blocks the minimum leaves. Subtracted from the
 * image it removes what varies slowly (a display's range compression, a shutter's or the open field's
 * level, a soft-tissue plateau) and keeps objects narrower than the window on a level of about 0.
 */
export function localFloor(data: ArrayLike<number>, columns: number, rows: number, radiusPixels: number): Float64Array {
  const r = Math.max(1, Math.round(radiusPixels));
  const floor = Float64Array.from(data as ArrayLike<number>);
  squareMorphology(floor, columns, rows, r, 'erode');
  meanPass(floor, columns, rows, r, 'rows');
  meanPass(floor, columns, rows, r, 'columns');
  return floor;
}

/** Subtracts the local floor in place. */
export function subtractLocalFloor(data: Float64Array, columns: number, rows: number, radiusPixels: number): void {
  const floor = localFloor(data, columns, rows, radiusPixels);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! - floor[i]!;
}

/** One separable pass along rows (x) or columns (y): each pixel the mean of its window (running sum). */
function meanPass(data: Float64Array, columns: number, rows: number, r: number, along: 'rows' | 'columns'): void {
  transformLines(data, { columns, rows, along }, (line, out) => {
    const length = line.length;
    let sum = 0;
    let count = 0;
    for (let k = 0; k <= Math.min(r, length - 1); k++) {
      sum += line[k]!;
      count++;
    }
    for (let k = 0; k < length; k++) {
      out[k] = sum / count;
      const enter = k + r + 1;
      const leave = k - r;
      if (enter < length) {
        sum += line[enter]!;
        count++;
      }
      if (leave >= 0) {
        sum -= line[leave]!;
        count--;
      }
    }
  });
}
