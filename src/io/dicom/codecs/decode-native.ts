import { OpenBmdError } from '../../../core/errors.js';
import type { PixelDescription } from '../pixel-description.js';
import { samplesPerFrame } from '../pixel-description.js';
import type { StoredSamples } from './stored-samples.js';
import { allocateSamples, interleavePlanes, normaliseStoredBits, samplesFromLittleEndianBytes, storedBitsNeedNormalising } from './stored-samples.js';

/** Uncompressed pixel data of one frame (little or big endian) to stored samples. */
export function decodeNativeFrame(bytes: Uint8Array, p: PixelDescription, bigEndian: boolean, file: string): StoredSamples {
  const subsampled = p.photometric === 'YBR_FULL_422';
  const count = subsampled ? p.rows * p.columns * 2 : samplesPerFrame(p);
  const bytesPerSample = p.bitsAllocated / 8;
  if (bytes.length < count * bytesPerSample) {
    throw new OpenBmdError('TRUNCATED', `pixel data frame has ${bytes.length} bytes, ${count * bytesPerSample} expected`, { file });
  }
  let samples: StoredSamples;
  if (bigEndian && bytesPerSample > 1) {
    samples = allocateSamples(p, count);
    const view = new DataView(bytes.buffer, bytes.byteOffset, count * bytesPerSample);
    for (let i = 0; i < count; i++) {
      const at = i * bytesPerSample;
      if (bytesPerSample === 2) samples[i] = p.signed ? view.getInt16(at, false) : view.getUint16(at, false);
      else samples[i] = p.signed ? view.getInt32(at, false) : view.getUint32(at, false);
    }
  } else {
    // A view of the file's bytes when nothing below rewrites them: a copy of every slice of a
    // series costs as much as reading it.
    const view = samplesFromLittleEndianBytes(bytes.subarray(0, count * bytesPerSample), p);
    samples = storedBitsNeedNormalising(p) ? view.slice() : view;
  }
  normaliseStoredBits(samples, p);
  if (subsampled) return expandYbrFull422(samples, p);
  return p.planarConfiguration === 1 && p.samplesPerPixel > 1 ? interleavePlanes(samples, p.samplesPerPixel) : samples;
}

/** YBR_FULL_422 (Y1 Y2 Cb Cr per pixel pair) to full-resolution YBR, chroma repeated. */
function expandYbrFull422(packed: StoredSamples, p: PixelDescription): StoredSamples {
  const out = allocateSamples(p, p.rows * p.columns * 3);
  const pairsPerRow = Math.ceil(p.columns / 2);
  for (let y = 0; y < p.rows; y++) {
    for (let pair = 0; pair < pairsPerRow; pair++) {
      const src = (y * pairsPerRow + pair) * 4;
      for (let k = 0; k < 2; k++) {
        const x = 2 * pair + k;
        if (x >= p.columns) break;
        const dst = (y * p.columns + x) * 3;
        out[dst] = packed[src + k]!;
        out[dst + 1] = packed[src + 2]!;
        out[dst + 2] = packed[src + 3]!;
      }
    }
  }
  return out;
}

/** Bit-packed (BitsAllocated 1) pixel data, least significant bit first, frames back to back. */
export function decodeBitPackedFrames(bytes: Uint8Array, p: PixelDescription): StoredSamples[] {
  const perFrame = p.rows * p.columns;
  const frames: StoredSamples[] = [];
  for (let f = 0; f < p.frames; f++) {
    const out = new Uint8Array(perFrame);
    const base = f * perFrame;
    for (let i = 0; i < perFrame; i++) {
      const bit = base + i;
      out[i] = (bytes[bit >> 3]! >> (bit & 7)) & 1;
    }
    frames.push(out);
  }
  return frames;
}
