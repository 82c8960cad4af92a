import { OpenBmdError } from '../core/errors.js';
import type { SeededRandom } from '../core/seeded-random.js';
import { gaussianBlur2D } from '../imaging/gaussian-blur.js';
import type { PolychromaticBeam } from './polychromatic-beam.js';
import type { MaterialProjection } from './project-phantom.js';

export interface ExposureOptions {
  /** Detected quanta per mm2 of open field; sets the quantum noise (dose). */
  quantaPerMm2: number;
  pixelSpacingMm: number;
  /**
   * Share of the energy removed from the primary beam that reaches the detector as scatter (after
   * any anti-scatter grid), spread by a Gaussian of `scatterSigmaMm`.
   */
  scatterFraction: number;
  scatterSigmaMm: number;
  /** Detector point-spread (scintillator light spread), Gaussian sigma in mm. */
  blurSigmaMm: number;
}

/**
 * The detector's energy signal relative to the open field, per pixel: polychromatic Beer-Lambert
 * primary, plus scatter, plus quantum noise (Gaussian approximation of Poisson on the detected
 * quanta), then the detector blur. The open field needs no evaluation.
 */
export function exposeRadiograph(projection: MaterialProjection, beam: PolychromaticBeam, options: ExposureOptions, random: SeededRandom): Float32Array {
  const { columns, rows } = projection;
  const pixels = columns * rows;
  const nm = projection.materials.length;
  if (beam.materials.length !== nm || beam.materials.some((m, i) => m !== projection.materials[i])) {
    throw new OpenBmdError('INTERNAL', 'beam and projection must list the same materials');
  }
  const primary = new Float32Array(pixels);
  const quanta = new Float32Array(pixels);
  const out = { signal: 0, quanta: 0 };
  const areal = projection.arealGPerCm2;
  for (let p = 0; p < pixels; p++) {
    let empty = true;
    for (let m = 0; m < nm && empty; m++) if (areal[m * pixels + p]! !== 0) empty = false;
    if (empty) {
      primary[p] = 1;
      quanta[p] = 1;
      continue;
    }
    beam.transmit(areal, p, pixels, out);
    primary[p] = out.signal;
    quanta[p] = out.quanta;
  }
  const scatter = new Float32Array(pixels);
  if (options.scatterFraction > 0) {
    for (let p = 0; p < pixels; p++) scatter[p] = 1 - primary[p]!;
    gaussianBlur2D(scatter, columns, rows, options.scatterSigmaMm / options.pixelSpacingMm);
  }
  const quantaPerPixel = options.quantaPerMm2 * options.pixelSpacingMm * options.pixelSpacingMm;
  const signal = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const s = options.scatterFraction * scatter[p]!;
    const total = primary[p]! + s;
    // Scatter quanta carry about the same mean energy as the primary.
    const n = quantaPerPixel * (quanta[p]! + s);
    signal[p] = Math.max(1e-6, total * (1 + random.nextNormal() / Math.sqrt(Math.max(n, 1))));
  }
  gaussianBlur2D(signal, columns, rows, options.blurSigmaMm / options.pixelSpacingMm);
  return signal;
}
