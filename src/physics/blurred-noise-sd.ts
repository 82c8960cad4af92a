/**
 * Sd of unit white noise after gaussianBlur2D with this sigma (the sum of squares of the sampled
 * separable kernel, squared for two dimensions), so the blurred noise can be scaled to a target sd.
 */
export function blurredNoiseSd(sigmaPixels: number): number {
  if (!(sigmaPixels > 0)) return 1;
  const radius = Math.max(1, Math.ceil(3 * sigmaPixels));
  let sum = 0;
  let squares = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp((-i * i) / (2 * sigmaPixels * sigmaPixels));
    sum += w;
    squares += w * w;
  }
  return squares / (sum * sum);
}
