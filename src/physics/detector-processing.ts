import type { SeededRandom } from '../core/seeded-random.js';
import { OpenBmdError } from '../core/errors.js';
import type { ChainRecord, ProcessingChain } from './processing-chain.js';
import { processWithChain } from './processing-chain.js';
import type { VendorProfile } from './vendor-profile.js';

/**
 * What the processing did to one image. For a vendor's own processing, also its response curve and
 * gamma, enough to invert it (tests, calibration checks); null for a room's chain.
 */
export interface ProcessingRecord extends ChainRecord {
  response: VendorProfile['response'] | null;
  gamma: number | null;
}

/** The response r of a relative exposure signal: larger r = more attenuation (bone). */
export function detectorResponse(response: VendorProfile['response'], signal: number): number {
  if (response === 'log') return -Math.log(signal);
  if (response === 'sqrt') return -Math.sqrt(signal);
  return -signal;
}

/** Inverts stored grey level -> relative exposure signal, for an image without edge enhancement effects. */
export function invertProcessing(record: ProcessingRecord, stored: number): number {
  if (record.response === null || record.gamma === null) throw new OpenBmdError('INVALID_VALUE', "only a vendor profile's own processing is inverted");
  const shaped = (record.photometric === 'MONOCHROME2' ? stored - record.offset : record.gain - (stored - record.offset)) / record.gain;
  const u = Math.max(0, shaped) ** (1 / record.gamma);
  const r = record.low + u * (record.high - record.low);
  if (record.response === 'log') return Math.exp(-r);
  if (record.response === 'sqrt') return r * r;
  return -r;
}

/** A vendor profile's own processing as a chain (its response, ranging, gamma and unsharp mask). */
export function vendorProcessingChain(vendor: VendorProfile): ProcessingChain {
  return {
    family: `vendor ${vendor.id}`,
    response: vendor.response === 'log' ? { kind: 'log' } : { kind: 'power', exponent: vendor.response === 'sqrt' ? 0.5 : 1 },
    // Fixed range: open field to a transmission of 0.2 % (log), its equivalent otherwise.
    ranging: vendor.autoRange
      ? { kind: 'auto', lowPercentile: 0.005, highPercentile: 0.995 }
      : { kind: 'fixed', openTransmission: 1.05, darkTransmission: 0.002 },
    lut: { kind: 'gamma', gamma: vendor.gamma },
    bands:
      vendor.edgeEnhancement.amount > 0 && vendor.edgeEnhancement.sigmaMm > 0
        ? [{ sigmaMm: vendor.edgeEnhancement.sigmaMm, gain: vendor.edgeEnhancement.amount }]
        : [],
    rangeCompression: null,
    gainJitter: vendor.gainJitter,
  };
}

/**
 * Turns the detector signal into stored grey levels: the vendor's own processing, or the chain of
 * the room the detector stands in (response, ranging, LUT, frequency processing, gain and offset
 * drift, quantisation to the stored bits, the photometric convention).
 */
export function processDetectorImage(
  signal: Float32Array,
  columns: number,
  rows: number,
  pixelSpacingMm: number,
  vendor: VendorProfile,
  random: SeededRandom,
  roomChain?: ProcessingChain,
): { pixels: Uint16Array; record: ProcessingRecord } {
  const chain = roomChain ?? vendorProcessingChain(vendor);
  const { pixels, record } = processWithChain(
    signal,
    { columns, rows, pixelSpacingMm, chain, bitsStored: vendor.bitsStored, photometric: vendor.photometric },
    random,
  );
  const own = roomChain === undefined;
  return { pixels, record: { ...record, response: own ? vendor.response : null, gamma: own ? vendor.gamma : null } };
}
