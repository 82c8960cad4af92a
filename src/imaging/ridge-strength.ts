import { gaussianBlur2D } from './gaussian-blur.js';

/**
 * Bright-ridge strength of a 2-D image at one scale: the image smoothed by a Gaussian of
 * `sigmaPixels`, its Hessian by central differences, and minus its smaller eigenvalue where that is
 * negative (0 elsewhere), times sigma^2 (Lindeberg's scale normalisation, so strengths at different
 * scales compare). A bright line as wide as about 2 sigma (a rib's shadow, a transverse process)
 * gives a high value along its length; an edge or a flat region gives none. The one-pixel border
 * is 0.
 */
export function ridgeStrength(values: Float32Array, columns: number, rows: number, sigmaPixels: number): Float32Array {
  const smooth = Float32Array.from(values);
  gaussianBlur2D(smooth, columns, rows, sigmaPixels);
  const out = new Float32Array(values.length);
  const scale = sigmaPixels * sigmaPixels;
  for (let y = 1; y < rows - 1; y++) {
    for (let x = 1; x < columns - 1; x++) {
      const p = y * columns + x;
      const centre = smooth[p]!;
      const dxx = smooth[p + 1]! - 2 * centre + smooth[p - 1]!;
      const dyy = smooth[p + columns]! - 2 * centre + smooth[p - columns]!;
      const dxy = (smooth[p + columns + 1]! - smooth[p + columns - 1]! - smooth[p - columns + 1]! + smooth[p - columns - 1]!) / 4;
      // Eigenvalues of [[dxx, dxy], [dxy, dyy]]: mean -+ the half-difference's hypotenuse.
      const smaller = (dxx + dyy) / 2 - Math.hypot((dxx - dyy) / 2, dxy);
      out[p] = smaller < 0 ? -smaller * scale : 0;
    }
  }
  return out;
}
