import type { PlaneLines } from './line-passes.js';
import { transformLines } from './line-passes.js';

/**
 * Grey-level erosion or dilation over a (2r+1)-square window, in place and separable (rows, then
 * columns). Pixels outside the image are ignored, which for a minimum or maximum is the same as
 * repeating the edge (OpenCV's default border for erode and dilate).
 */
export function squareMorphology(data: Float32Array | Float64Array, columns: number, rows: number, radiusPixels: number, operation: 'erode' | 'dilate'): void {
  const r = Math.max(1, Math.round(radiusPixels));
  const pick = operation === 'erode' ? Math.min : Math.max;
  linePass(data, { columns, rows, along: 'rows' }, r, pick);
  linePass(data, { columns, rows, along: 'columns' }, r, pick);
}

/** One pass along rows (x) or columns (y): each pixel the window's minimum or maximum. */
function linePass(data: Float32Array | Float64Array, lines: PlaneLines, r: number, pick: (a: number, b: number) => number): void {
  transformLines(data, lines, (line, out) => {
    const length = line.length;
    // Direct window extreme: the windows here are a few pixels to tens on planes of a few hundred.
    for (let k = 0; k < length; k++) {
      let v = line[k]!;
      for (let j = Math.max(0, k - r); j <= Math.min(length - 1, k + r); j++) v = pick(v, line[j]!);
      out[k] = v;
    }
  });
}
