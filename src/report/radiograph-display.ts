import type { Image2D } from '../core/image2d.js';

/** The source pixels [start, end) that each of `count` output pixels averages along one axis (at least one each), clipped to [0, size). */
function boxRanges(origin: number, step: number, count: number, size: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(count);
  const end = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const from = Math.floor(origin + i * step);
    const to = Math.max(from + 1, Math.floor(origin + (i + 1) * step));
    start[i] = Math.max(0, from);
    end[i] = Math.min(size, to);
  }
  return { start, end };
}

/** 8-bit display of a region (x0, y0, width, height in image pixels) of a radiograph in a window, box-averaged to outColumns x outRows. */
export function displayGrey(
  image: Image2D,
  x0: number,
  y0: number,
  width: number,
  height: number,
  outColumns: number,
  outRows: number,
  window: { low: number; high: number },
): Uint8Array {
  const [columns, rows] = image.size;
  const data = image.data;
  const out = new Uint8Array(outColumns * outRows);
  // Each output pixel's box, per column and per row, computed once (the same boxes as bounds worked out per pixel).
  const xs = boxRanges(x0, width / outColumns, outColumns, columns);
  const ys = boxRanges(y0, height / outRows, outRows, rows);
  const range = Math.max(1e-9, window.high - window.low);
  for (let j = 0; j < outRows; j++) {
    const yStart = ys.start[j]!;
    const yEnd = ys.end[j]!;
    for (let i = 0; i < outColumns; i++) {
      const xStart = xs.start[i]!;
      const xEnd = xs.end[i]!;
      let sum = 0;
      let count = 0;
      for (let y = yStart; y < yEnd; y++) {
        const row = y * columns;
        for (let x = xStart; x < xEnd; x++) sum += Number(data[row + x]);
        count += Math.max(0, xEnd - xStart);
      }
      const v = count === 0 ? window.low : sum / count;
      out[j * outColumns + i] = Math.max(0, Math.min(255, Math.round((255 * (v - window.low)) / range)));
    }
  }
  return out;
}

const windows = new WeakMap<Image2D, { low: number; high: number }>();

/** The sampled values at the given ranks (0 = smallest): by counting for 8- and 16-bit integer pixels (no sort), else by sorting. */
function valuesAtRanks(data: Image2D['data'], step: number, ranks: readonly number[]): number[] {
  const offset = data instanceof Int16Array ? 32768 : data instanceof Int8Array ? 128 : 0;
  if (data instanceof Uint16Array || data instanceof Int16Array || data instanceof Uint8Array || data instanceof Int8Array) {
    const counts = new Uint32Array(data instanceof Uint8Array || data instanceof Int8Array ? 256 : 65536);
    for (let k = 0; k < data.length; k += step) counts[data[k]! + offset]! += 1;
    return ranks.map((rank) => {
      let seen = 0;
      for (let v = 0; v < counts.length; v++) {
        seen += counts[v]!;
        if (seen > rank) return v - offset;
      }
      return counts.length - 1 - offset;
    });
  }
  const values = new Float64Array(Math.ceil(data.length / step));
  for (let k = 0, n = 0; k < data.length; k += step, n++) values[n] = Number(data[k]);
  // A typed array sorts numerically, and far faster than an array of numbers with a comparator.
  values.sort();
  return ranks.map((rank) => values[rank]!);
}

/** The display window of a radiograph: its 0.5th..99.5th percentiles (from a sample of up to 200 000 pixels), once per image. */
export function displayWindow(image: Image2D): { low: number; high: number } {
  const known = windows.get(image);
  if (known !== undefined) return known;
  const step = Math.max(1, Math.floor(image.data.length / 200_000));
  const sampled = Math.ceil(image.data.length / step);
  const [low, high] = valuesAtRanks(image.data, step, [Math.floor(0.005 * (sampled - 1)), Math.floor(0.995 * (sampled - 1))]);
  const window = { low: low!, high: high! };
  windows.set(image, window);
  return window;
}
