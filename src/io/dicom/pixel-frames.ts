import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import type { PixelDescription } from './pixel-description.js';
import { nativeBytesPerFrame } from './pixel-description.js';

/** The encoded bytes of each frame (uncompressed frames are views into the file's bytes). */
export function extractFrameBytes(ds: DataSet, pixelElement: Element, p: PixelDescription, encapsulated: boolean, file: string): Uint8Array[] {
  return encapsulated ? encapsulatedFrames(ds, pixelElement, p, file) : nativeFrames(ds, pixelElement, p, file);
}

function nativeFrames(ds: DataSet, element: Element, p: PixelDescription, file: string): Uint8Array[] {
  const frameBytes = p.bitsAllocated === 1 ? Math.ceil((p.rows * p.columns * p.frames) / 8) : nativeBytesPerFrame(p);
  const frameCount = p.bitsAllocated === 1 ? 1 : p.frames;
  const needed = frameBytes * frameCount;
  if (element.hadUndefinedLength || element.encapsulatedPixelData) {
    throw new OpenBmdError('INCONSISTENT', 'pixel data is encapsulated but the transfer syntax is uncompressed', { file });
  }
  if (element.length < needed) {
    throw new OpenBmdError(
      'TRUNCATED',
      `pixel data holds ${element.length} bytes but ${p.rows}x${p.columns}x${p.frames} frame(s) of ${p.samplesPerPixel} sample(s) at ${p.bitsAllocated} bits (${p.photometric}) needs ${needed}`,
      { file },
    );
  }
  const bytes = ds.byteArray;
  const frames: Uint8Array[] = [];
  // Bit-packed frames run on without byte alignment: hand over all of them as one block.
  for (let f = 0; f < frameCount; f++) {
    const start = element.dataOffset + f * frameBytes;
    frames.push(new Uint8Array(bytes.buffer, bytes.byteOffset + start, frameBytes));
  }
  return frames;
}

function encapsulatedFrames(ds: DataSet, element: Element, p: PixelDescription, file: string): Uint8Array[] {
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new OpenBmdError('INCONSISTENT', 'the transfer syntax is compressed but the pixel data is not encapsulated', { file });
  }
  const offsets = element.basicOffsetTable ?? [];
  try {
    if (offsets.length === p.frames && offsets.length > 0) {
      return range(p.frames).map((f) => toBytes(dicomParser.readEncapsulatedImageFrame(ds, element, f, offsets, fragments)));
    }
    if (p.frames === 1) {
      return [toBytes(dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, fragments.length, fragments))];
    }
    if (fragments.length === p.frames) {
      return range(p.frames).map((f) => toBytes(dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, f, 1, fragments)));
    }
    // Several fragments per frame and no offset table: find frame starts from JPEG SOI markers.
    const table = dicomParser.createJPEGBasicOffsetTable(ds, element, fragments);
    if (table.length !== p.frames) {
      throw new OpenBmdError('INCONSISTENT', `found ${table.length} frames in the pixel data, NumberOfFrames says ${p.frames}`, { file });
    }
    return range(p.frames).map((f) => toBytes(dicomParser.readEncapsulatedImageFrame(ds, element, f, table, fragments)));
  } catch (thrown) {
    if (thrown instanceof OpenBmdError) throw thrown;
    throw new OpenBmdError('MALFORMED', `encapsulated pixel data cannot be split into frames (${describeThrown(thrown)})`, { file });
  }
}

function toBytes(array: Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
