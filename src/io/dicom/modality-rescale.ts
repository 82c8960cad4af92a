import type { PixelArray } from '../../core/pixel-array.js';
import type { StoredSamples } from './codecs/stored-samples.js';

export interface ModalityRescale {
  slope: number;
  intercept: number;
}

/**
 * Applies value = slope * stored + intercept into the smallest array type that holds every result
 * exactly: an integer type when slope and intercept are integers, else float64 (float32 would
 * round 1563.896 to 1563.8960…04).
 */
export function applyModalityRescale(stored: StoredSamples, rescale: ModalityRescale): PixelArray {
  const { slope, intercept } = rescale;
  if (slope === 1 && intercept === 0) return stored;
  if (Number.isInteger(slope) && Number.isInteger(intercept)) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < stored.length; i++) {
      const v = stored[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const a = slope * min + intercept;
    const b = slope * max + intercept;
    const out = integerArrayFor(Math.min(a, b), Math.max(a, b), stored.length);
    for (let i = 0; i < stored.length; i++) out[i] = slope * stored[i]! + intercept;
    return out;
  }
  const out = new Float64Array(stored.length);
  for (let i = 0; i < stored.length; i++) out[i] = slope * stored[i]! + intercept;
  return out;
}

function integerArrayFor(min: number, max: number, length: number): PixelArray {
  if (min >= 0 && max <= 0xff) return new Uint8Array(length);
  if (min >= -0x80 && max <= 0x7f) return new Int8Array(length);
  if (min >= 0 && max <= 0xffff) return new Uint16Array(length);
  if (min >= -0x8000 && max <= 0x7fff) return new Int16Array(length);
  if (min >= 0 && max <= 0xffffffff) return new Uint32Array(length);
  if (min >= -0x80000000 && max <= 0x7fffffff) return new Int32Array(length);
  return new Float64Array(length);
}
