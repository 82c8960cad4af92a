/** The typed arrays an image may hold its values in. */
export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface ValueStats {
  min: number;
  max: number;
  mean: number;
  count: number;
}

/** Min, max and mean over every value; mean summed in double precision. Empty input gives NaNs. */
export function computeStats(values: ArrayLike<number>): ValueStats {
  const count = values.length;
  if (count === 0) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN, count: 0 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / count, count };
}

/** Combines stats of disjoint parts (e.g. the frames of one file). */
export function mergeStats(parts: readonly ValueStats[]): ValueStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  for (const p of parts) {
    if (p.count === 0) continue;
    min = Math.min(min, p.min);
    max = Math.max(max, p.max);
    sum += p.mean * p.count;
    count += p.count;
  }
  if (count === 0) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN, count: 0 };
  return { min, max, mean: sum / count, count };
}
