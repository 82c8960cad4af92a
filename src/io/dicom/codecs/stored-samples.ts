import type { PixelDescription } from '../pixel-description.js';

/** Stored sample values of one frame, pixel-interleaved, before the modality rescale. */
export type StoredSamples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** Fresh array of the type that holds the described stored values. */
export function allocateSamples(p: PixelDescription, length: number): StoredSamples {
  switch (p.bitsAllocated) {
    case 1:
      return new Uint8Array(length);
    case 8:
      return p.signed ? new Int8Array(length) : new Uint8Array(length);
    case 16:
      return p.signed ? new Int16Array(length) : new Uint16Array(length);
    case 32:
      return p.signed ? new Int32Array(length) : new Uint32Array(length);
  }
}

/**
 * Views little-endian bytes as samples of the described type (a copy when the bytes are not
 * aligned). When `signed` differs from the description the codec's word is taken.
 */
export function samplesFromLittleEndianBytes(bytes: Uint8Array, p: PixelDescription, signed = p.signed): StoredSamples {
  const bytesPerSample = Math.max(1, p.bitsAllocated / 8);
  const count = Math.floor(bytes.length / bytesPerSample);
  const aligned = bytes.byteOffset % bytesPerSample === 0 ? bytes : bytes.slice(0, count * bytesPerSample);
  const { buffer, byteOffset } = aligned;
  switch (p.bitsAllocated) {
    case 1:
    case 8:
      return signed ? new Int8Array(buffer, byteOffset, count) : new Uint8Array(buffer, byteOffset, count);
    case 16:
      return signed ? new Int16Array(buffer, byteOffset, count) : new Uint16Array(buffer, byteOffset, count);
    case 32:
      return signed ? new Int32Array(buffer, byteOffset, count) : new Uint32Array(buffer, byteOffset, count);
  }
}

/** Whether the stored words hold bits outside BitsStored (then normaliseStoredBits rewrites them). */
export function storedBitsNeedNormalising(p: PixelDescription): boolean {
  return p.bitsStored !== p.bitsAllocated || p.highBit + 1 !== p.bitsStored;
}

/**
 * Keeps only the BitsStored bits ending at HighBit and sign-extends signed values, in place.
 * Bits outside that range may carry overlays or garbage and are not part of the value.
 */
export function normaliseStoredBits(samples: StoredSamples, p: PixelDescription, signed = p.signed): void {
  if (!storedBitsNeedNormalising(p)) return;
  const shift = p.highBit + 1 - p.bitsStored;
  // bitsStored < bitsAllocated here, so at most 31 bits are kept and 32-bit integer operations are exact.
  const bits = p.bitsStored;
  const mask = 2 ** bits - 1;
  const signBit = 2 ** (bits - 1);
  const full = 2 ** bits;
  // The stored word as unsigned: negative values of a signed array are two's complement words.
  const wordMask = p.bitsAllocated >= 32 ? -1 : 2 ** p.bitsAllocated - 1;
  for (let i = 0; i < samples.length; i++) {
    let v = ((samples[i]! & wordMask) >>> shift) & mask;
    if (signed && v >= signBit) v -= full;
    samples[i] = v;
  }
}

/** Planar (RRR..GGG..BBB..) to pixel-interleaved (RGBRGB..). */
export function interleavePlanes(planar: StoredSamples, samplesPerPixel: number): StoredSamples {
  const pixels = planar.length / samplesPerPixel;
  const out = planar.slice();
  for (let s = 0; s < samplesPerPixel; s++) {
    for (let i = 0; i < pixels; i++) out[i * samplesPerPixel + s] = planar[s * pixels + i]!;
  }
  return out;
}
