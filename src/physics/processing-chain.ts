import type { SeededRandom } from '../core/seeded-random.js';
import { gaussianBlur2D } from '../imaging/gaussian-blur.js';

/**
 * How a radiography room turns the detector's exposure into the grey levels it stores: the
 * response curve, the ranging, the look-up table and the frequency processing. Real rooms differ in
 * every one (log, power-law and film-like curves; fixed windows and automatic exposure recognition
 * that saturates the open field; gamma and S-shaped LUTs; unsharp masking, multi-scale enhancement
 * and dynamic-range compression), and an image carries none of it in a form a method could invert.
 */
export interface ProcessingChain {
  /** The family the chain was drawn from (for the record and for held-out families). */
  family: string;
  response: ResponseCurve;
  ranging: Ranging;
  lut: Lut;
  /**
   * Detail bands added back with a gain: band k is blur(sigma_{k-1}) - blur(sigma_k) of the
   * ranged image (sigma_0 = 0, the image itself). One band is an unsharp mask; several are
   * multi-scale enhancement.
   */
  bands: readonly { sigmaMm: number; gain: number }[];
  /** Dynamic-range compression: subtract this share of the image's large-scale variation (sigma, mm). */
  rangeCompression: { sigmaMm: number; amount: number } | null;
  /** Relative spread of the output gain and offset between images (calibration drift, exposure). */
  gainJitter: number;
}

/**
 * The response r of a relative exposure signal (1 = the open field at the nominal exposure);
 * larger r = more attenuation. Film-like: a log response through the H and D curve's sigmoid,
 * centred on the image's own median log exposure (the film's speed matched by the exposure).
 */
export type ResponseCurve = { kind: 'log' } | { kind: 'power'; exponent: number } | { kind: 'film'; slope: number; centrePercentile: number };

/**
 * Fixed: the response between two transmissions maps onto the output range. Automatic: the image's
 * own percentiles do (exposure recognition); what lies outside saturates.
 */
export type Ranging = { kind: 'fixed'; openTransmission: number; darkTransmission: number } | { kind: 'auto'; lowPercentile: number; highPercentile: number };

export type Lut = { kind: 'gamma'; gamma: number } | { kind: 'sigmoid'; contrast: number };

/** What the processing did to one image. */
export interface ChainRecord {
  chain: ProcessingChain;
  /** Response value mapped to 0 and 1 by the ranging. */
  low: number;
  high: number;
  /** For a film-like response, the log exposure at the sigmoid's centre. */
  filmCentre: number | null;
  gain: number;
  offset: number;
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
  bitsStored: number;
}

/**
 * Log attenuations of anatomy and phantom: above the open field's, below what is left outside a
 * collimated field (a few per cent: log above 3) or under lead.
 */
const FILM_ANATOMY_LOG: readonly [number, number] = [0.1, 2.5];

function responseOf(curve: ResponseCurve, signal: number, filmCentre: number): number {
  const s = Math.max(signal, 1e-6);
  if (curve.kind === 'log') return -Math.log(s);
  if (curve.kind === 'power') return -(s ** curve.exponent);
  return 1 / (1 + Math.exp(-curve.slope * (-Math.log(s) - filmCentre)));
}

function sampledPercentiles(values: Float32Array, shares: readonly number[]): number[] {
  const count = Math.min(values.length, 20000);
  const sample = Float32Array.from({ length: count }, (_, k) => values[Math.floor((k * values.length) / count)]!).sort();
  return shares.map((q) => sample[Math.floor(Math.min(1, Math.max(0, q)) * (count - 1))]!);
}

function applyLut(lut: Lut, t: number): number {
  if (lut.kind === 'gamma') return t ** lut.gamma;
  const c = lut.contrast;
  return 0.5 + Math.atan(c * (t - 0.5)) / (2 * Math.atan(c / 2));
}

/**
 * Stored grey levels from the detector's signal under a processing chain, quantised to the stored
 * bits in the photometric convention. The random draws are the per-image gain and offset drift.
 */
export function processWithChain(
  signal: Float32Array,
  o: {
    columns: number;
    rows: number;
    pixelSpacingMm: number;
    chain: ProcessingChain;
    bitsStored: number;
    photometric: 'MONOCHROME1' | 'MONOCHROME2';
  },
  random: SeededRandom,
): { pixels: Uint16Array; record: ChainRecord } {
  const { chain, columns, rows } = o;
  const n = signal.length;
  let filmCentre = 0;
  if (chain.response.kind === 'film') {
    // The film's speed is matched to the anatomy: centre on a percentile of the attenuated pixels, not the open field or the collimated-out border.
    const logs: number[] = [];
    for (let p = 0; p < n; p += Math.max(1, Math.floor(n / 40000))) {
      const l = -Math.log(Math.max(signal[p]!, 1e-6));
      if (l > FILM_ANATOMY_LOG[0] && l < FILM_ANATOMY_LOG[1]) logs.push(l);
    }
    filmCentre = logs.length === 0 ? 0 : sampledPercentiles(Float32Array.from(logs), [chain.response.centrePercentile])[0]!;
  }
  const r = new Float32Array(n);
  for (let p = 0; p < n; p++) r[p] = responseOf(chain.response, signal[p]!, filmCentre);
  let low: number;
  let high: number;
  if (chain.ranging.kind === 'auto') [low, high] = sampledPercentiles(r, [chain.ranging.lowPercentile, chain.ranging.highPercentile]) as [number, number];
  else {
    low = responseOf(chain.response, chain.ranging.openTransmission, filmCentre);
    high = responseOf(chain.response, chain.ranging.darkTransmission, filmCentre);
  }
  if (!(high > low)) high = low + 1;
  const maxValue = 2 ** o.bitsStored - 1;
  const gain = maxValue * 0.85 * (1 + chain.gainJitter * random.nextNormal() * 0.5);
  const offset = Math.max(0, maxValue * 0.05 * (1 + chain.gainJitter * random.nextNormal()));
  const u = new Float32Array(n);
  for (let p = 0; p < n; p++) u[p] = applyLut(chain.lut, Math.min(1, Math.max(0, (r[p]! - low) / (high - low))));
  addDetailBands(u, columns, rows, o.pixelSpacingMm, chain);
  const pixels = new Uint16Array(n);
  for (let p = 0; p < n; p++) {
    const shaped = o.photometric === 'MONOCHROME2' ? u[p]! : 1 - u[p]!;
    pixels[p] = Math.min(maxValue, Math.max(0, Math.round(offset + gain * shaped)));
  }
  return {
    pixels,
    record: {
      chain,
      low,
      high,
      filmCentre: chain.response.kind === 'film' ? filmCentre : null,
      gain,
      offset,
      photometric: o.photometric,
      bitsStored: o.bitsStored,
    },
  };
}

/** Frequency processing in place: detail bands with their gains, then dynamic-range compression. */
function addDetailBands(u: Float32Array, columns: number, rows: number, pixelSpacingMm: number, chain: ProcessingChain): void {
  const n = u.length;
  if (chain.bands.some((b) => b.gain !== 0 && b.sigmaMm > 0)) {
    const source = u.slice();
    let finer = source;
    for (const band of chain.bands) {
      const coarser = source.slice();
      gaussianBlur2D(coarser, columns, rows, band.sigmaMm / pixelSpacingMm);
      for (let p = 0; p < n; p++) u[p] = u[p]! + band.gain * (finer[p]! - coarser[p]!);
      finer = coarser;
    }
  }
  const compression = chain.rangeCompression;
  if (compression !== null && compression.amount > 0) {
    const large = u.slice();
    gaussianBlur2D(large, columns, rows, compression.sigmaMm / pixelSpacingMm);
    let mean = 0;
    for (let p = 0; p < n; p++) mean += large[p]!;
    mean /= n;
    for (let p = 0; p < n; p++) u[p] = u[p]! - compression.amount * (large[p]! - mean);
  }
}
