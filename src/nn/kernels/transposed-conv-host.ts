/**
 * Host-side pieces of an input gradient computed as a forward convolution (2-D callers pass depth
 * 1): dy spread on the forward stride grid inside a zero volume, and the filter flipped in space
 * with its channel axes swapped. Layouts are channels-last.
 */
type Triple = readonly [number, number, number];

/** dy [n, out..., channels] placed at before + stride * index inside a zero [n, size..., channels] volume. */
export function spreadOnStrideGrid(dy: Float32Array, n: number, out: Triple, channels: number, before: Triple, stride: Triple, size: Triple): Float32Array {
  const spread = new Float32Array(n * size[0] * size[1] * size[2] * channels);
  for (let b = 0; b < n; b++) {
    for (let z = 0; z < out[0]; z++) {
      const tz = before[0] + z * stride[0];
      if (tz < 0 || tz >= size[0]) continue;
      for (let y = 0; y < out[1]; y++) {
        const ty = before[1] + y * stride[1];
        if (ty < 0 || ty >= size[1]) continue;
        for (let x = 0; x < out[2]; x++) {
          const tx = before[2] + x * stride[2];
          if (tx < 0 || tx >= size[2]) continue;
          const from = (((b * out[0] + z) * out[1] + y) * out[2] + x) * channels;
          spread.set(dy.subarray(from, from + channels), (((b * size[0] + tz) * size[1] + ty) * size[2] + tx) * channels);
        }
      }
    }
  }
  return spread;
}

/** Filter [f..., cin, cout] flipped in every spatial axis and returned as [f..., cout, cin]. */
export function flipFilter(w: Float32Array, f: Triple, cin: number, cout: number): Float32Array {
  const flipped = new Float32Array(w.length);
  for (let z = 0; z < f[0]; z++) {
    for (let y = 0; y < f[1]; y++) {
      for (let x = 0; x < f[2]; x++) {
        const src = ((z * f[1] + y) * f[2] + x) * cin * cout;
        const dst = (((f[0] - 1 - z) * f[1] + (f[1] - 1 - y)) * f[2] + (f[2] - 1 - x)) * cout * cin;
        for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) flipped[dst + o * cin + i] = w[src + i * cout + o]!;
      }
    }
  }
  return flipped;
}
