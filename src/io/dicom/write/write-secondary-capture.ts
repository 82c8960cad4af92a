import { OpenBmdError } from '../../../core/errors.js';
import type { DicomIdentity } from './dicom-identity.js';
import { commonModules, writeDicomDataset } from './write-dicom-dataset.js';

export const SECONDARY_CAPTURE_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.7';

export interface SecondaryCaptureOptions {
  /** 8-bit RGB, pixel-interleaved, row by row. */
  rgb: Uint8Array;
  columns: number;
  rows: number;
  identity: DicomIdentity;
  seriesDescription: string;
  /** What the picture shows and how it was made (DerivationDescription). */
  derivationDescription?: string;
  /** Spacing of the picture at the patient, [between rows, between columns] mm, when meaningful. */
  pixelSpacingMm?: [number, number];
}

/** Writes an RGB picture (an overlay, a plot) as a Secondary Capture Image (workstation conversion). */
export async function writeSecondaryCapture(file: string, options: SecondaryCaptureOptions): Promise<void> {
  const { rgb, columns, rows } = options;
  if (rgb.length !== columns * rows * 3) {
    throw new OpenBmdError('BAD_ARGUMENT', `RGB data has ${rgb.length} bytes, ${columns}x${rows}x3 needs ${columns * rows * 3}`, { file });
  }
  // Pixel data must have even length; pad with one zero byte.
  const pixels = new Uint8Array(rgb.length + (rgb.length % 2));
  pixels.set(rgb);
  const dataset: Record<string, unknown> = {
    ...commonModules({
      identity: options.identity,
      sopClassUid: SECONDARY_CAPTURE_IMAGE_STORAGE,
      modality: 'OT',
      seriesDescription: options.seriesDescription,
    }),
    ConversionType: 'WSD',
    ImageType: ['DERIVED', 'SECONDARY'],
    PatientOrientation: '',
    BurnedInAnnotation: 'YES',
    SamplesPerPixel: 3,
    PhotometricInterpretation: 'RGB',
    PlanarConfiguration: 0,
    Rows: rows,
    Columns: columns,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PixelData: pixels.buffer,
    _vrMap: { PixelData: 'OB' },
  };
  if (options.derivationDescription !== undefined) dataset['DerivationDescription'] = options.derivationDescription.slice(0, 1024);
  if (options.pixelSpacingMm !== undefined) {
    dataset['NominalScannedPixelSpacing'] = options.pixelSpacingMm;
    dataset['PixelSpacing'] = options.pixelSpacingMm;
    dataset['PixelSpacingCalibrationType'] = 'GEOMETRY';
    dataset['PixelSpacingCalibrationDescription'] = 'spacing of the source image';
  }
  await writeDicomDataset(file, dataset);
}
