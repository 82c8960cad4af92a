import turboFactory from '@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs';
import { OpenBmdError } from '../core/errors.js';

interface TurboModule {
  JPEGEncoder: new () => {
    getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean }): Uint8Array;
    setQuality(quality: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
  };
  JPEGDecoder: new () => {
    getEncodedBuffer(length: number): Uint8Array;
    decode(): void;
    getDecodedBuffer(): Uint8Array;
  };
}

let loading: Promise<TurboModule> | undefined;

/**
 * Compresses an 8-bit greyscale image with baseline JPEG (libjpeg-turbo, ISO 10918-1) at a quality
 * and decodes it again: the losses a PACS or teleradiology link adds. Returns the decoded pixels
 * and the compression ratio.
 */
export async function jpegRoundTrip(grey: Uint8Array, columns: number, rows: number, quality: number): Promise<{ pixels: Uint8Array; ratio: number }> {
  if (!(quality >= 1 && quality <= 100)) throw new OpenBmdError('BAD_ARGUMENT', `JPEG quality must be 1-100, got ${quality}`);
  loading ??= turboFactory({ print: () => undefined, printErr: () => undefined }) as Promise<TurboModule>;
  const turbo = await loading;
  const encoder = new turbo.JPEGEncoder();
  encoder.getDecodedBuffer({ width: columns, height: rows, bitsPerSample: 8, componentCount: 1, isSigned: false }).set(grey);
  encoder.setQuality(quality);
  encoder.encode();
  const encoded = encoder.getEncodedBuffer().slice();
  const decoder = new turbo.JPEGDecoder();
  decoder.getEncodedBuffer(encoded.length).set(encoded);
  decoder.decode();
  const pixels = decoder.getDecodedBuffer().slice(0, columns * rows);
  return { pixels: Uint8Array.from(pixels), ratio: grey.length / encoded.length };
}
