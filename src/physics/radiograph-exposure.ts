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
   * Scatter-to-primary ratio per unit of primary attenuation (-ln of the primary transmission),
   * after any anti-scatter grid, spread by a Gaussian of `scatterSigmaMm`. Scatter grows with the
   * thickness crossed but is itself attenuated on the way out, so its source is taken as
   * primary * (-ln primary): thin parts (a hand) scatter little, an abdomen reaches SPRs of 1-2.
   */
  scatterFraction: number;
  scatterSigmaMm: number;
  /** Detector point-spread (scintillator light spread), Gaussian sigma in mm. */
  blurSigmaMm: number;
  /**
   * Automatic exposure control: scale the exposure so that the central field (middle 40 % of rows
   * and columns) receives this signal relative to an unattenuated open field at the nominal dose;
   * undefined keeps the nominal exposure (thin parts without AEC).
   */
  automaticExposureSignal?: number;
  /**
   * With automatic exposure control: the air kerma (µGy) the AEC delivers to the detector behind its
   * chamber (the central field's median pixel). It sets the quantum noise from the beam's physics
   * (detected quanta per µGy behind that ray) in place of `quantaPerMm2`.
   */
  automaticExposureAirKermaMicroGy?: number;
}

/**
 * The detector's energy signal relative to the open field, per pixel: polychromatic Beer-Lambert
 * primary, plus scatter, plus quantum noise (Gaussian approximation of Poisson on the detected
 * quanta), then the detector blur. The open field needs no evaluation.
 */
export function exposeRadiograph(
  projection: MaterialProjection,
  beam: PolychromaticBeam,
  options: ExposureOptions,
  random: SeededRandom,
): { signal: Float32Array; exposureScale: number; chamberDetectedQuantaPerMm2: number | null } {
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
    for (let p = 0; p < pixels; p++) scatter[p] = primary[p]! * -Math.log(Math.max(primary[p]!, 1e-12));
    gaussianBlur2D(scatter, columns, rows, options.scatterSigmaMm / options.pixelSpacingMm);
  }
  // The AEC chamber reads the central field's median pixel: its signal sets the exposure, its detected quanta the noise.
  const target = options.automaticExposureSignal;
  const chamber = target === undefined ? undefined : centralMedianPixel(primary, scatter, options.scatterFraction, columns, rows);
  const atChamber = (values: Float32Array, pixel: number): number => Math.max(1e-9, values[pixel]! + options.scatterFraction * scatter[pixel]!);
  const exposureScale = target === undefined || chamber === undefined ? 1 : target / atChamber(primary, chamber);
  const chamberQuanta = chamber === undefined ? undefined : atChamber(quanta, chamber);
  const pixelAreaMm2 = options.pixelSpacingMm * options.pixelSpacingMm;
  const kerma = options.automaticExposureAirKermaMicroGy;
  if (kerma !== undefined && (chamber === undefined || !(kerma > 0))) {
    throw new OpenBmdError('BAD_ARGUMENT', 'an AEC air kerma needs automatic exposure control and a positive value');
  }
  const quantaPerPixel =
    kerma === undefined || chamber === undefined || chamberQuanta === undefined
      ? exposureScale * options.quantaPerMm2 * pixelAreaMm2
      : (kerma * beam.detectedQuantaPerMm2PerMicroGy(areal, chamber, pixels) * pixelAreaMm2) / chamberQuanta;
  const signal = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const s = options.scatterFraction * scatter[p]!;
    const total = exposureScale * (primary[p]! + s);
    // Scatter quanta carry about the same mean energy as the primary.
    const n = quantaPerPixel * (quanta[p]! + s);
    signal[p] = Math.max(1e-6, total * (1 + random.nextNormal() / Math.sqrt(Math.max(n, 1))));
  }
  gaussianBlur2D(signal, columns, rows, options.blurSigmaMm / options.pixelSpacingMm);
  return { signal, exposureScale, chamberDetectedQuantaPerMm2: chamberQuanta === undefined ? null : (quantaPerPixel * chamberQuanta) / pixelAreaMm2 };
}

/** The pixel at the median of primary + scatter over the middle 40 % of rows and columns (the AEC chamber's field). */
function centralMedianPixel(primary: Float32Array, scatter: Float32Array, scatterFraction: number, columns: number, rows: number): number {
  const pixels: number[] = [];
  for (let j = Math.floor(0.3 * rows); j < Math.ceil(0.7 * rows); j += 2) {
    for (let i = Math.floor(0.3 * columns); i < Math.ceil(0.7 * columns); i += 2) pixels.push(j * columns + i);
  }
  const value = (p: number): number => primary[p]! + scatterFraction * scatter[p]!;
  pixels.sort((a, b) => value(a) - value(b) || a - b);
  return pixels[Math.floor(pixels.length / 2)] ?? 0;
}
