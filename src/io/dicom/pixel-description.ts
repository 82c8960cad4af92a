import type { DataSet } from 'dicom-parser';
import { OpenBmdError, ensure } from '../../core/errors.js';
import { readNumber, readString, readUint16 } from './dataset-values.js';
import { TAG } from './tags.js';

/** The Image Pixel module of one DICOM object, validated. */
export interface PixelDescription {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: 1 | 3;
  photometric: string;
  /** 0: samples interleaved per pixel; 1: one plane per sample. */
  planarConfiguration: 0 | 1;
  /** 1 only for bit-packed native monochrome (e.g. segmentations). */
  bitsAllocated: 1 | 8 | 16 | 32;
  bitsStored: number;
  highBit: number;
  signed: boolean;
}

/** Refuse images whose sample count would not fit comfortably in memory. */
export const MAX_SAMPLES = 1_500_000_000;

const PHOTOMETRICS = new Set(['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT', 'PALETTE COLOR']);

export function readPixelDescription(ds: DataSet, file: string): PixelDescription {
  const rows = readUint16(ds, TAG.rows, file);
  const columns = readUint16(ds, TAG.columns, file);
  const bitsAllocated = readUint16(ds, TAG.bitsAllocated, file);
  const missing = [rows === undefined ? 'Rows' : '', columns === undefined ? 'Columns' : '', bitsAllocated === undefined ? 'BitsAllocated' : ''].filter(
    (s) => s !== '',
  );
  if (missing.length > 0) {
    throw new OpenBmdError('MALFORMED', `pixel data present but ${missing.join(', ')} missing`, { file });
  }
  const bitsStored = readUint16(ds, TAG.bitsStored, file) ?? bitsAllocated!;
  const highBit = readUint16(ds, TAG.highBit, file) ?? bitsStored - 1;
  const samplesPerPixel = readUint16(ds, TAG.samplesPerPixel, file) ?? 1;
  const pixelRepresentation = readUint16(ds, TAG.pixelRepresentation, file) ?? 0;
  const photometric = readString(ds, TAG.photometricInterpretation) ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2');
  const planar = readUint16(ds, TAG.planarConfiguration, file) ?? 0;
  const framesValue = readNumber(ds, TAG.numberOfFrames, file) ?? 1;

  ensure(rows! > 0 && columns! > 0, 'MALFORMED', () => `image size ${rows}x${columns} is empty`, file);
  ensure(
    bitsAllocated === 1 || bitsAllocated === 8 || bitsAllocated === 16 || bitsAllocated === 32,
    'UNSUPPORTED',
    () => `BitsAllocated ${bitsAllocated} is not supported (1, 8, 16 or 32)`,
    file,
  );
  ensure(bitsStored >= 1 && bitsStored <= bitsAllocated, 'INCONSISTENT', () => `BitsStored ${bitsStored} exceeds BitsAllocated ${bitsAllocated}`, file);
  ensure(highBit < bitsAllocated, 'INCONSISTENT', () => `HighBit ${highBit} lies outside BitsAllocated ${bitsAllocated}`, file);
  ensure(samplesPerPixel === 1 || samplesPerPixel === 3, 'UNSUPPORTED', () => `SamplesPerPixel ${samplesPerPixel} is not supported (1 or 3)`, file);
  ensure(pixelRepresentation === 0 || pixelRepresentation === 1, 'MALFORMED', () => `PixelRepresentation ${pixelRepresentation} is neither 0 nor 1`, file);
  ensure(planar === 0 || planar === 1, 'MALFORMED', () => `PlanarConfiguration ${planar} is neither 0 nor 1`, file);
  ensure(Number.isInteger(framesValue) && framesValue >= 1, 'MALFORMED', () => `NumberOfFrames '${framesValue}' is not a positive integer`, file);
  ensure(PHOTOMETRICS.has(photometric), 'UNSUPPORTED', () => `PhotometricInterpretation '${photometric}' is not supported`, file);
  ensure(
    (samplesPerPixel === 1) === photometric.startsWith('MONOCHROME') || photometric === 'PALETTE COLOR',
    'INCONSISTENT',
    () => `PhotometricInterpretation ${photometric} contradicts SamplesPerPixel ${samplesPerPixel}`,
    file,
  );
  ensure(bitsAllocated !== 1 || samplesPerPixel === 1, 'UNSUPPORTED', () => 'bit-packed (BitsAllocated 1) colour images are not supported', file);
  ensure(photometric !== 'PALETTE COLOR', 'UNSUPPORTED', () => 'PALETTE COLOR images are not supported', file);
  const samples = rows! * columns! * framesValue * samplesPerPixel;
  ensure(
    samples <= MAX_SAMPLES,
    'UNSUPPORTED',
    () => `image of ${rows}x${columns}x${framesValue} frames x${samplesPerPixel} samples (${samples}) exceeds the limit of ${MAX_SAMPLES} samples`,
    file,
  );
  return {
    rows: rows!,
    columns: columns!,
    frames: framesValue,
    samplesPerPixel,
    photometric,
    planarConfiguration: planar,
    bitsAllocated,
    bitsStored,
    highBit,
    signed: pixelRepresentation === 1,
  };
}

export function samplesPerFrame(p: PixelDescription): number {
  return p.rows * p.columns * p.samplesPerPixel;
}

/**
 * Bytes of one uncompressed frame. YBR_FULL_422 stores two luma and one pair of chroma samples per
 * two pixels. Bit-packed data (BitsAllocated 1) is not byte-aligned per frame: see decodeBitPackedFrames.
 */
export function nativeBytesPerFrame(p: PixelDescription): number {
  const samples = p.photometric === 'YBR_FULL_422' ? p.rows * p.columns * 2 : samplesPerFrame(p);
  return samples * (p.bitsAllocated / 8);
}
