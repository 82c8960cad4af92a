import { OpenBmdError } from '../../../core/errors.js';
import type { PixelDescription } from '../pixel-description.js';
import type { StoredSamples } from './stored-samples.js';
import { allocateSamples, normaliseStoredBits } from './stored-samples.js';

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits segment
 * per byte of each sample, most significant byte first.
 */
export function decodeRleFrame(bytes: Uint8Array, p: PixelDescription, file: string): StoredSamples {
  if (bytes.length < 64) throw new OpenBmdError('CODEC', `RLE frame of ${bytes.length} bytes is shorter than its 64-byte header`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const segmentCount = view.getUint32(0, true);
  const bytesPerSample = p.bitsAllocated / 8;
  const expectedSegments = bytesPerSample * p.samplesPerPixel;
  if (segmentCount !== expectedSegments) {
    throw new OpenBmdError('CODEC', `RLE frame has ${segmentCount} segments, ${expectedSegments} expected`, { file });
  }
  const pixels = p.rows * p.columns;
  const out = allocateSamples(p, pixels * p.samplesPerPixel);
  const segment = new Uint8Array(pixels);
  for (let s = 0; s < segmentCount; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segmentCount ? view.getUint32(8 + 4 * s, true) : bytes.length;
    if (start < 64 || end > bytes.length || end < start) {
      throw new OpenBmdError('CODEC', `RLE segment ${s + 1} offsets ${start}..${end} lie outside the ${bytes.length}-byte frame`, { file });
    }
    const produced = unpackBits(bytes, start, end, segment);
    if (produced < pixels) {
      throw new OpenBmdError('CODEC', `RLE segment ${s + 1} decodes to ${produced} bytes, ${pixels} expected`, { file });
    }
    const sample = Math.floor(s / bytesPerSample);
    const byteShift = 8 * (bytesPerSample - 1 - (s % bytesPerSample));
    const weight = 2 ** byteShift;
    for (let i = 0; i < pixels; i++) {
      const at = i * p.samplesPerPixel + sample;
      // Assemble unsigned, then let the typed array wrap to signed at the end.
      out[at] = (unsignedOf(out[at]!, p.bitsAllocated) + segment[i]! * weight) as number;
    }
  }
  normaliseStoredBits(out, p);
  return out;
}

function unsignedOf(v: number, bits: number): number {
  return v < 0 ? v + 2 ** bits : v;
}

/** PackBits into `out`; returns the number of bytes produced (capped at out.length). */
function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let o = 0;
  let i = start;
  while (i < end && o < out.length) {
    const n = src[i++]!;
    if (n < 128) {
      const count = Math.min(n + 1, end - i, out.length - o);
      out.set(src.subarray(i, i + count), o);
      o += count;
      i += n + 1;
    } else if (n > 128) {
      const count = Math.min(257 - n, out.length - o);
      if (i >= end) break;
      out.fill(src[i]!, o, o + count);
      o += count;
      i += 1;
    }
    // n === 128 is a no-op by definition.
  }
  return o;
}
