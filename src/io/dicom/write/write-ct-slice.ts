import type { DicomIdentity } from './dicom-identity.js';
import { commonModules, dicomDate, dicomTime, writeDicomDataset } from './write-dicom-dataset.js';
import { OpenBmdError } from '../../../core/errors.js';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface CtSliceOptions {
  /** Stored values (HU = stored * slope + intercept); unsigned storage when a Uint16Array. */
  stored: Int16Array | Uint16Array;
  columns: number;
  rows: number;
  rescaleIntercept: number;
  rescaleSlope: number;
  /** [row spacing, column spacing] mm. */
  pixelSpacingMm: [number, number];
  sliceThicknessMm: number;
  imagePositionMm: [number, number, number];
  imageOrientation: [number, number, number, number, number, number];
  instanceNumber: number;
  kVp: number;
  tubeCurrentMA: number;
  convolutionKernel: string;
  bodyPartExamined: string;
  manufacturer: string;
  manufacturerModelName: string;
  frameOfReferenceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  seriesDescription: string;
  identity: DicomIdentity;
  createdAt: Date;
  window: { center: number; width: number };
  contrastBolusAgent?: string;
  patientPosition?: string;
  seriesNumber?: number;
  derivationDescription?: string;
}

/** Writes one axial slice of a CT Image Storage series, explicit VR little endian. */
export async function writeCtSlice(file: string, o: CtSliceOptions): Promise<void> {
  if (o.stored.length !== o.rows * o.columns)
    throw new OpenBmdError('BAD_ARGUMENT', `CT slice: ${o.stored.length} values for ${o.columns}x${o.rows}`, { file });
  const date = dicomDate(o.createdAt);
  const time = dicomTime(o.createdAt);
  const dataset: Record<string, unknown> = {
    ...commonModules({
      identity: o.identity,
      sopClassUid: CT_IMAGE_STORAGE,
      modality: 'CT',
      seriesDescription: o.seriesDescription,
      seriesNumber: o.seriesNumber ?? 2,
      instanceNumber: o.instanceNumber,
      createdAt: o.createdAt,
      sopInstanceUid: o.sopInstanceUid,
      seriesInstanceUid: o.seriesInstanceUid,
    }),
    Manufacturer: o.manufacturer,
    ManufacturerModelName: o.manufacturerModelName,
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    AcquisitionNumber: '1',
    AcquisitionDate: date,
    AcquisitionTime: time,
    FrameOfReferenceUID: o.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    BodyPartExamined: o.bodyPartExamined,
    PatientPosition: o.patientPosition ?? 'HFS',
    ImagePositionPatient: o.imagePositionMm.map(fixed),
    ImageOrientationPatient: o.imageOrientation.map(fixed),
    SliceLocation: fixed(o.imagePositionMm[2]),
    SliceThickness: fixed(o.sliceThicknessMm),
    PixelSpacing: o.pixelSpacingMm.map(fixed),
    KVP: String(o.kVp),
    XRayTubeCurrent: String(Math.round(o.tubeCurrentMA)),
    ConvolutionKernel: o.convolutionKernel,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: o.rows,
    Columns: o.columns,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: o.stored instanceof Int16Array ? 1 : 0,
    RescaleIntercept: fixed(o.rescaleIntercept),
    RescaleSlope: fixed(o.rescaleSlope),
    RescaleType: 'HU',
    WindowCenter: String(o.window.center),
    WindowWidth: String(o.window.width),
    PixelData: o.stored.buffer.slice(o.stored.byteOffset, o.stored.byteOffset + o.stored.byteLength),
    _vrMap: { PixelData: 'OW' },
  };
  delete dataset['Laterality'];
  if (o.contrastBolusAgent !== undefined) dataset['ContrastBolusAgent'] = o.contrastBolusAgent;
  if (o.derivationDescription !== undefined) dataset['DerivationDescription'] = o.derivationDescription;
  await writeDicomDataset(file, dataset);
}

/** A decimal string of at most 16 characters (DS), exact enough for mm geometry. */
function fixed(v: number): string {
  const s = String(Math.round(v * 1e6) / 1e6);
  return s.length <= 16 ? s : v.toPrecision(10);
}
