import { Decoder as LosslessJpegDecoder } from 'jpeg-lossless-decoder-js';
import { OpenBmdError, describeThrown } from '../../../core/errors.js';
import type { PixelDescription } from '../pixel-description.js';
import { decodeJpegDct } from './jpeg-dct.js';
import type { StoredSamples } from './stored-samples.js';
import { allocateSamples, normaliseStoredBits, samplesFromLittleEndianBytes } from './stored-samples.js';
import type { WasmCodecs } from './wasm-codecs.js';
import { runWasmDecode } from './wasm-codecs.js';

type Codec = 'jpeg-dct' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000';

/** Decodes one compressed frame and checks that what came out matches the DICOM header. */
export function decodeCompressedFrame(codec: Codec, encoded: Uint8Array, p: PixelDescription, codecs: WasmCodecs, file: string): StoredSamples {
  let width: number;
  let height: number;
  let components: number;
  let samples: StoredSamples;
  const signed = p.signed;
  try {
    switch (codec) {
      case 'jpeg-dct': {
        // libjpeg-turbo always converts 3-component JPEG to RGB; DICOM says (PhotometricInterpretation)
        // what the components are and readers return them as coded, so colour goes through ours.
        if (jpegPrecision(encoded) <= 8 && p.samplesPerPixel === 1) {
          const { info, decoded } = runWasmDecode(codecs.jpegBaseline8, encoded);
          ({ width, height, componentCount: components } = info);
          samples = p.bitsAllocated === 8 ? samplesFromLittleEndianBytes(decoded, p) : copyInto(decoded, p);
        } else {
          const image = decodeJpegDct(encoded);
          ({ width, height, components } = image);
          samples = copyInto(image.samples, p);
        }
        break;
      }
      case 'jpeg-ls':
      case 'jpeg2000': {
        const decoder = codec === 'jpeg-ls' ? codecs.jpegLs : codecs.jpeg2000;
        const { info, decoded } = runWasmDecode(decoder, encoded);
        ({ width, height, componentCount: components } = info);
        // PixelRepresentation, not the codestream's own flag, decides signedness (as GDCM and
        // pydicom do): some encoders write unsigned codestreams for signed data.
        const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
        if (bytesPerSample * 8 === p.bitsAllocated) {
          samples = samplesFromLittleEndianBytes(decoded, p, signed).slice();
        } else if (bytesPerSample === 1) {
          samples = copyInto(decoded, p);
        } else {
          throw new OpenBmdError('INCONSISTENT', `codestream has ${info.bitsPerSample}-bit samples but BitsAllocated is ${p.bitsAllocated}`, { file });
        }
        break;
      }
      case 'jpeg-lossless': {
        const decoder = new LosslessJpegDecoder();
        const copy = encoded.slice();
        const decoded = decoder.decode(copy.buffer, 0, copy.length, p.bitsAllocated === 8 ? 1 : 2);
        width = decoder.xDim;
        height = decoder.yDim;
        components = decoder.numComp;
        samples = copyInto(decoded, p);
        break;
      }
    }
  } catch (thrown) {
    if (thrown instanceof OpenBmdError) throw thrown;
    throw new OpenBmdError('CODEC', `${codec} frame cannot be decoded (${describeThrown(thrown)})`, { file });
  }
  if (width !== p.columns || height !== p.rows || components !== p.samplesPerPixel) {
    throw new OpenBmdError(
      'INCONSISTENT',
      `${codec} frame is ${width}x${height}x${components} but the header says ${p.columns}x${p.rows}x${p.samplesPerPixel}`,
      { file },
    );
  }
  const expected = p.rows * p.columns * p.samplesPerPixel;
  if (samples.length < expected) {
    throw new OpenBmdError('CODEC', `${codec} frame decoded to ${samples.length} samples, ${expected} expected`, { file });
  }
  samples = samples.length === expected ? samples : samples.slice(0, expected);
  normaliseStoredBits(samples, p, signed);
  return samples;
}

/** Decoder output (whatever its array type) into the array type the header describes. */
function copyInto(values: ArrayLike<number>, p: PixelDescription): StoredSamples {
  const out = allocateSamples(p, values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}

/** Sample precision from the first SOF marker of a JPEG stream (8 when none is found). */
export function jpegPrecision(encoded: Uint8Array): number {
  let i = 2;
  while (i + 4 < encoded.length) {
    if (encoded[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = encoded[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return encoded[i + 4] ?? 8;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    const length = ((encoded[i + 2]! << 8) | encoded[i + 3]!) >>> 0;
    i += 2 + length;
  }
  return 8;
}
