import FFT from 'fft.js';
import { nextPowerOfTwo } from '../../imaging/fft2d.js';
import type { ParallelGeometry } from './parallel-projection.js';
import { viewAngle } from './parallel-projection.js';

/**
 * Reconstruction kernels: `sharp` is the plain ramp (Ram-Lak), `soft` the ramp under a Hann window
 * (the smooth kernels of abdominal protocols: less noise, a wider edge).
 */
export type ReconstructionKernel = 'sharp' | 'soft';

interface Transform {
  createComplexArray(): number[];
  transform(out: number[], data: number[]): void;
  inverseTransform(out: number[], data: number[]): void;
}

/**
 * The ramp filter's frequency response for a padded length, built from its band-limited spatial
 * form (Kak & Slaney, Principles of Computerized Tomographic Imaging, 1988, eq. 3.61: h(0) =
 * 1 / (4 tau^2), h(n odd) = -1 / (n pi tau)^2, h(n even) = 0), so the zero frequency is right; a
 * Hann window on top for the soft kernel.
 */
function rampResponse(padded: number, binCm: number, kernel: ReconstructionKernel, fft: Transform): number[] {
  const spatial = new Array<number>(2 * padded).fill(0);
  for (let k = 0; k < padded; k++) {
    const n = k <= padded / 2 ? k : k - padded;
    const h = n === 0 ? 1 / (4 * binCm * binCm) : n % 2 === 0 ? 0 : -1 / (n * Math.PI * binCm) ** 2;
    spatial[2 * k] = h * binCm;
  }
  const response = fft.createComplexArray();
  fft.transform(response, spatial);
  if (kernel === 'soft')
    for (let k = 0; k < padded; k++) {
      const f = (k <= padded / 2 ? k : padded - k) / padded;
      const w = 0.5 * (1 + Math.cos(2 * Math.PI * f));
      response[2 * k]! *= w;
      response[2 * k + 1]! *= w;
    }
  return response;
}

/**
 * Filtered back-projection of a parallel-beam sinogram [views x bins] of line integrals (units x
 * cm) to a square image in the units (Kak & Slaney 1988, ch. 3): each view convolved with the ramp
 * (by FFT, zero-padded against wrap-around), then smeared back across the image with linear
 * interpolation between bins, times pi / views.
 */
export function filteredBackProjection(sinogram: Float32Array, geometry: ParallelGeometry, kernel: ReconstructionKernel): Float32Array {
  const { size, pixelMm, views, bins, binMm } = geometry;
  const binCm = binMm / 10;
  const padded = nextPowerOfTwo(2 * bins);
  const fft = new FFT(padded) as unknown as Transform;
  const response = rampResponse(padded, binCm, kernel, fft);
  const filtered = new Float32Array(views * bins);
  const row = fft.createComplexArray();
  const spectrum = fft.createComplexArray();
  const back = fft.createComplexArray();
  for (let v = 0; v < views; v++) {
    row.fill(0);
    for (let b = 0; b < bins; b++) row[2 * b] = sinogram[v * bins + b]!;
    fft.transform(spectrum, row);
    for (let k = 0; k < padded; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      const hr = response[2 * k]!;
      const hi = response[2 * k + 1]!;
      spectrum[2 * k] = re * hr - im * hi;
      spectrum[2 * k + 1] = re * hi + im * hr;
    }
    fft.inverseTransform(back, spectrum);
    for (let b = 0; b < bins; b++) filtered[v * bins + b] = back[2 * b]!;
  }
  const image = new Float32Array(size * size);
  const half = (size - 1) / 2;
  const centreBin = (bins - 1) / 2;
  const scale = Math.PI / views;
  for (let v = 0; v < views; v++) {
    const theta = viewAngle(geometry, v);
    const c = (Math.cos(theta) * pixelMm) / binMm;
    const s = (Math.sin(theta) * pixelMm) / binMm;
    const offset = v * bins;
    for (let j = 0; j < size; j++) {
      const base = (j - half) * s + centreBin;
      for (let i = 0; i < size; i++) {
        const t = (i - half) * c + base;
        const b0 = Math.floor(t);
        if (b0 < 0 || b0 + 1 >= bins) continue;
        const f = t - b0;
        image[j * size + i]! += scale * ((1 - f) * filtered[offset + b0]! + f * filtered[offset + b0 + 1]!);
      }
    }
  }
  return image;
}
