import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import type { Point3 } from '../../core/geometry.js';
import { decodeCompressedFrame } from './codecs/decode-compressed.js';
import { decodeBitPackedFrames, decodeNativeFrame } from './codecs/decode-native.js';
import { decodeRleFrame } from './codecs/decode-rle.js';
import type { StoredSamples } from './codecs/stored-samples.js';
import { loadWasmCodecs } from './codecs/wasm-codecs.js';
import { readNumber, readNumbers, readString, readStrings } from './dataset-values.js';
import type { DicomImage } from './dicom-image.js';
import { parseDicom } from './parse-dicom.js';
import { readDicomIdentity } from './read-dicom-identity.js';
import { extractFrameBytes } from './pixel-frames.js';
import { readPixelDescription } from './pixel-description.js';
import { positivePair, readPixelSpacing } from './pixel-spacing.js';
import { TAG } from './tags.js';
import { findTransferSyntax } from './transfer-syntax.js';

/** Files larger than this are refused before reading (no DX or CT slice comes near it). */
export const MAX_DICOM_FILE_BYTES = 2 ** 31 - 1;

export interface ReadDicomFileOptions {
  /**
   * Read into this buffer (grown when too small) rather than a new one, for readers of many files.
   * The image's frames may then view it: copy or drop them before the buffer is used again.
   */
  scratch?: { buffer: Buffer };
}

export async function readDicomFile(file: string, options: ReadDicomFileOptions = {}): Promise<DicomImage> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new OpenBmdError('BAD_ARGUMENT', 'is not a regular file', { file });
    size = info.size;
  } catch (thrown) {
    if (thrown instanceof OpenBmdError) throw thrown;
    throw new OpenBmdError('FILE_NOT_FOUND', `cannot be opened (${describeThrown(thrown)})`, { file });
  }
  if (size > MAX_DICOM_FILE_BYTES) throw new OpenBmdError('UNSUPPORTED', `file of ${size} bytes exceeds the 2 GiB limit`, { file });
  const bytes = options.scratch === undefined ? await readFile(file) : await readIntoScratch(file, size, options.scratch);
  return decodeDicomBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

/** The file's bytes in the scratch buffer (a fresh buffer's first use costs as much as the read). */
async function readIntoScratch(file: string, size: number, scratch: { buffer: Buffer }): Promise<Buffer> {
  if (scratch.buffer.length < size) scratch.buffer = Buffer.allocUnsafeSlow(size);
  const target = scratch.buffer.subarray(0, size);
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(target, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return target.subarray(0, filled);
  } catch (thrown) {
    throw new OpenBmdError('FILE_NOT_FOUND', `cannot be read (${describeThrown(thrown)})`, { file });
  } finally {
    await handle?.close();
  }
}

/** Parses and decodes a DICOM image held in memory; `file` names it in messages. */
export async function decodeDicomBytes(bytes: Uint8Array, file: string): Promise<DicomImage> {
  const parsed = parseDicom(bytes, file);
  const ds = parsed.dataSet;
  const syntax = findTransferSyntax(parsed.transferSyntaxUid);
  if (syntax === undefined) {
    throw new OpenBmdError('UNSUPPORTED', `transfer syntax ${parsed.transferSyntaxUid} is not supported`, { file });
  }
  const pixelElement = ds.elements[TAG.pixelData];
  if (pixelElement === undefined) {
    const kind = (ds.elements[TAG.floatPixelData] ?? ds.elements[TAG.doubleFloatPixelData]) ? 'float pixel data, which is not supported' : 'no pixel data';
    throw new OpenBmdError('NO_PIXEL_DATA', `contains ${kind} (SOP class ${readString(ds, TAG.sopClassUid) ?? 'unknown'})`, { file });
  }
  const pixel = readPixelDescription(ds, file);
  const encapsulated = syntax.encoding !== 'native';
  const frameBytes = extractFrameBytes(ds, pixelElement, pixel, encapsulated, file);
  const codecs = encapsulated && syntax.encoding !== 'rle' ? await loadWasmCodecs() : undefined;
  if (pixel.bitsAllocated === 1 && encapsulated) throw new OpenBmdError('UNSUPPORTED', 'compressed bit-packed pixel data is not supported', { file });
  const frames: StoredSamples[] =
    pixel.bitsAllocated === 1
      ? decodeBitPackedFrames(frameBytes[0]!, pixel)
      : frameBytes.map((encoded) => {
          switch (syntax.encoding) {
            case 'native':
              return decodeNativeFrame(encoded, pixel, syntax.bigEndian, file);
            case 'rle':
              return decodeRleFrame(encoded, pixel, file);
            default:
              return decodeCompressedFrame(syntax.encoding, encoded, pixel, codecs!, file);
          }
        });
  const slope = readNumber(ds, TAG.rescaleSlope, file) ?? 1;
  const intercept = readNumber(ds, TAG.rescaleIntercept, file) ?? 0;
  if (slope === 0) throw new OpenBmdError('MALFORMED', 'RescaleSlope is 0', { file });
  const centers = readNumbers(ds, TAG.windowCenter, file) ?? [];
  const widths = readNumbers(ds, TAG.windowWidth, file) ?? [];
  return {
    file,
    transferSyntaxUid: syntax.uid,
    transferSyntaxName: syntax.name,
    modality: readString(ds, TAG.modality),
    sopClassUid: readString(ds, TAG.sopClassUid),
    sopInstanceUid: readString(ds, TAG.sopInstanceUid),
    studyInstanceUid: readString(ds, TAG.studyInstanceUid),
    seriesInstanceUid: readString(ds, TAG.seriesInstanceUid),
    frameOfReferenceUid: readString(ds, TAG.frameOfReferenceUid),
    seriesDescription: readString(ds, TAG.seriesDescription),
    imageType: readStrings(ds, TAG.imageType).map((v) => v.trim().toUpperCase()),
    instanceNumber: readNumber(ds, TAG.instanceNumber, file),
    pixel,
    frames,
    rescale: { slope, intercept, type: readString(ds, TAG.rescaleType) },
    pixelSpacing: readPixelSpacing(ds, file),
    windows: centers.slice(0, widths.length).map((center, i) => ({ center, width: widths[i]! })),
    imagePositionPatient: triple(readNumbers(ds, TAG.imagePositionPatient, file)),
    imageOrientationPatient: sextuple(readNumbers(ds, TAG.imageOrientationPatient, file)),
    sliceThicknessMm: readNumber(ds, TAG.sliceThickness, file),
    gantryTiltDeg: readNumber(ds, TAG.gantryDetectorTilt, file),
    contrastBolusAgent: readString(ds, TAG.contrastBolusAgent),
    identity: readDicomIdentity(ds),
    acquisition: {
      kvp: readNumber(ds, TAG.kvp, file),
      manufacturer: readString(ds, TAG.manufacturer),
      model: readString(ds, TAG.manufacturerModelName),
      bodyPart: readString(ds, TAG.bodyPartExamined),
      viewPosition: readStrings(ds, TAG.viewPosition)[0],
      sourceToDetectorMm: positive(readNumber(ds, TAG.distanceSourceToDetector, file)),
      sourceToPatientMm: positive(readNumber(ds, TAG.distanceSourceToPatient, file)),
      imagerPixelSpacingMm: positivePair(readNumbers(ds, TAG.imagerPixelSpacing, file)),
    },
  };
}

function triple(v: number[] | undefined): Point3 | undefined {
  return v !== undefined && v.length >= 3 ? [v[0]!, v[1]!, v[2]!] : undefined;
}

function sextuple(v: number[] | undefined): [number, number, number, number, number, number] | undefined {
  return v !== undefined && v.length >= 6 ? [v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!] : undefined;
}

function positive(v: number | undefined): number | undefined {
  return v !== undefined && v > 0 && Number.isFinite(v) ? v : undefined;
}
