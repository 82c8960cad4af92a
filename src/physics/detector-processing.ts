import type { SeededRandom } from '../core/seeded-random.js';
import { gaussianBlur2D } from '../imaging/gaussian-blur.js';
import type { VendorProfile } from './vendor-profile.js';

/** What the processing did to one image: enough to invert it (tests, calibration checks). */
export interface ProcessingRecord {
  response: VendorProfile['response'];
  /** Response value r mapped to u = (r - low) / (high - low) before the gamma. */
  low: number;
  high: number;
  gamma: number;
  /** stored = offset + gain * u^gamma (MONOCHROME2) or offset + gain * (1 - u^gamma) (MONOCHROME1). */
  gain: number;
  offset: number;
  photometric: VendorProfile['photometric'];
  bitsStored: number;
}

/** The response r of a relative exposure signal: larger r = more attenuation (bone). */
export function detectorResponse(response: VendorProfile['response'], signal: number): number {
  if (response === 'log') return -Math.log(signal);
  if (response === 'sqrt') return -Math.sqrt(signal);
  return -signal;
}

/** Inverts stored grey level -> relative exposure signal, for an image without edge enhancement effects. */
export function invertProcessing(record: ProcessingRecord, stored: number): number {
  const shaped = (record.photometric === 'MONOCHROME2' ? stored - record.offset : record.gain - (stored - record.offset)) / record.gain;
  const u = Math.max(0, shaped) ** (1 / record.gamma);
  const r = record.low + u * (record.high - record.low);
  if (record.response === 'log') return Math.exp(-r);
  if (record.response === 'sqrt') return r * r;
  return -r;
}

/**
 * Turns the detector signal into stored grey levels the way the vendor does: response curve,
 * fixed or automatic ranging, gamma LUT, unsharp-mask edge enhancement, gain/offset drift,
 * quantisation to the stored bits and the photometric convention.
 */
export function processDetectorImage(
  signal: Float32Array,
  columns: number,
  rows: number,
  pixelSpacingMm: number,
  vendor: VendorProfile,
  random: SeededRandom,
): { pixels: Uint16Array; record: ProcessingRecord } {
  const n = signal.length;
  const r = new Float32Array(n);
  for (let p = 0; p < n; p++) r[p] = detectorResponse(vendor.response, signal[p]!);
  let low: number;
  let high: number;
  if (vendor.autoRange) {
    const sample = Float32Array.from({ length: Math.min(n, 20000) }, (_, k) => r[Math.floor((k * n) / Math.min(n, 20000))]!).sort();
    low = sample[Math.floor(0.005 * (sample.length - 1))]!;
    high = sample[Math.floor(0.995 * (sample.length - 1))]!;
  } else {
    // Fixed range: open field to a transmission of 0.2 % (log), its equivalent otherwise.
    low = detectorResponse(vendor.response, 1.05);
    high = detectorResponse(vendor.response, 0.002);
  }
  if (!(high > low)) high = low + 1;
  const maxValue = 2 ** vendor.bitsStored - 1;
  const gain = maxValue * 0.85 * (1 + vendor.gainJitter * random.nextNormal() * 0.5);
  const offset = Math.max(0, maxValue * 0.05 * (1 + vendor.gainJitter * random.nextNormal()));
  const u = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const t = Math.min(1, Math.max(0, (r[p]! - low) / (high - low)));
    u[p] = t ** vendor.gamma;
  }
  if (vendor.edgeEnhancement.amount > 0 && vendor.edgeEnhancement.sigmaMm > 0) {
    const blurred = u.slice();
    gaussianBlur2D(blurred, columns, rows, vendor.edgeEnhancement.sigmaMm / pixelSpacingMm);
    for (let p = 0; p < n; p++) u[p] = u[p]! + vendor.edgeEnhancement.amount * (u[p]! - blurred[p]!);
  }
  const pixels = new Uint16Array(n);
  for (let p = 0; p < n; p++) {
    const shaped = vendor.photometric === 'MONOCHROME2' ? u[p]! : 1 - u[p]!;
    pixels[p] = Math.min(maxValue, Math.max(0, Math.round(offset + gain * shaped)));
  }
  return {
    pixels,
    record: { response: vendor.response, low, high, gamma: vendor.gamma, gain, offset, photometric: vendor.photometric, bitsStored: vendor.bitsStored },
  };
}
