import type { DicomIdentity } from './dicom-identity.js';
import { commonModules, dicomDate, dicomTime, writeDicomDataset } from './write-dicom-dataset.js';
import { OpenBmdError } from '../../../core/errors.js';

export const DX_FOR_PRESENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.1.1';

/** A coded anatomic region (SNOMED CT) for the DX Anatomy Imaged module. */
export interface AnatomicRegionCode {
  value: string;
  meaning: string;
}

export interface DxImageOptions {
  pixels: Uint16Array;
  columns: number;
  rows: number;
  bitsStored: number;
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
  /** LOG or LIN response to exposure; sign 1 when more X-ray gives higher values. */
  intensityRelationship: 'LOG' | 'LIN';
  intensityRelationshipSign: 1 | -1;
  /** Detector pixel spacing [row, column] mm, and the source geometry. */
  imagerPixelSpacingMm: [number, number];
  sourceToDetectorMm: number;
  sourceToPatientMm: number;
  kVp: number;
  exposureMAs?: number;
  bodyPartExamined: string;
  anatomicRegion: AnatomicRegionCode;
  viewPosition: string;
  /** The view as a code (SNOMED CT), e.g. 399066004 postero-anterior, 399348003 antero-posterior, 399173006 left lateral (CID 4010). */
  viewCode?: AnatomicRegionCode;
  laterality: 'L' | 'R' | 'U' | '';
  /** [row direction, column direction] in patient terms, e.g. ['R', 'F']. */
  patientOrientation: [string, string];
  manufacturer: string;
  manufacturerModelName: string;
  window: { center: number; width: number };
  lossyCompression?: { ratio: number; method: string };
  identity: DicomIdentity;
  seriesDescription: string;
  createdAt?: Date;
  sopInstanceUid?: string;
  seriesInstanceUid?: string;
  derivationDescription?: string;
}

/** Writes a Digital X-Ray Image (For Presentation), one frame, explicit VR little endian. */
export async function writeDxImage(file: string, o: DxImageOptions): Promise<void> {
  if (o.pixels.length !== o.rows * o.columns) {
    throw new OpenBmdError('BAD_ARGUMENT', `DX pixels: ${o.pixels.length} values for ${o.columns}x${o.rows}`, { file });
  }
  const magnification = o.sourceToDetectorMm / o.sourceToPatientMm;
  const acquiredAt = o.createdAt ?? new Date();
  const dataset: Record<string, unknown> = {
    ...commonModules({
      identity: o.identity,
      sopClassUid: DX_FOR_PRESENTATION_STORAGE,
      modality: 'DX',
      seriesDescription: o.seriesDescription,
      seriesNumber: 1,
      instanceNumber: 1,
      createdAt: acquiredAt,
      ...(o.sopInstanceUid === undefined ? {} : { sopInstanceUid: o.sopInstanceUid }),
      ...(o.seriesInstanceUid === undefined ? {} : { seriesInstanceUid: o.seriesInstanceUid }),
    }),
    Manufacturer: o.manufacturer,
    ManufacturerModelName: o.manufacturerModelName,
    PresentationIntentType: 'FOR PRESENTATION',
    ImageType: ['ORIGINAL', 'PRIMARY'],
    ImageLaterality: o.laterality === '' ? 'U' : o.laterality,
    BodyPartExamined: o.bodyPartExamined,
    AnatomicRegionSequence: [{ CodeValue: o.anatomicRegion.value, CodingSchemeDesignator: 'SCT', CodeMeaning: o.anatomicRegion.meaning }],
    ViewPosition: o.viewPosition,
    ...(o.viewCode === undefined
      ? {}
      : { ViewCodeSequence: [{ CodeValue: o.viewCode.value, CodingSchemeDesignator: 'SCT', CodeMeaning: o.viewCode.meaning }] }),
    PatientOrientation: o.patientOrientation,
    AcquisitionDate: dicomDate(acquiredAt),
    AcquisitionTime: dicomTime(acquiredAt),
    KVP: String(o.kVp),
    ...(o.exposureMAs === undefined ? {} : { ExposureInuAs: Math.round(o.exposureMAs * 1000) }),
    DistanceSourceToDetector: String(round(o.sourceToDetectorMm)),
    DistanceSourceToPatient: String(round(o.sourceToPatientMm)),
    EstimatedRadiographicMagnificationFactor: String(round(magnification)),
    ImagerPixelSpacing: o.imagerPixelSpacingMm.map(round).map(String),
    AcquisitionContextSequence: [],
    DetectorType: 'SCINTILLATOR',
    DetectorConfiguration: 'AREA',
    PositionerType: 'NONE',
    SamplesPerPixel: 1,
    PhotometricInterpretation: o.photometric,
    Rows: o.rows,
    Columns: o.columns,
    BitsAllocated: 16,
    BitsStored: o.bitsStored,
    HighBit: o.bitsStored - 1,
    PixelRepresentation: 0,
    PixelIntensityRelationship: o.intensityRelationship,
    PixelIntensityRelationshipSign: o.intensityRelationshipSign,
    RescaleIntercept: '0',
    RescaleSlope: '1',
    RescaleType: 'US',
    PresentationLUTShape: o.photometric === 'MONOCHROME1' ? 'INVERSE' : 'IDENTITY',
    WindowCenter: String(Math.round(o.window.center)),
    WindowWidth: String(Math.max(1, Math.round(o.window.width))),
    BurnedInAnnotation: 'NO',
    LossyImageCompression: o.lossyCompression === undefined ? '00' : '01',
    PixelData: o.pixels.buffer.slice(o.pixels.byteOffset, o.pixels.byteOffset + o.pixels.byteLength),
    _vrMap: { PixelData: 'OW' },
  };
  // Laterality (series level) is replaced by ImageLaterality in the DX IODs.
  delete dataset['Laterality'];
  if (o.lossyCompression !== undefined) {
    dataset['LossyImageCompressionRatio'] = String(round(o.lossyCompression.ratio));
    dataset['LossyImageCompressionMethod'] = o.lossyCompression.method;
  }
  if (o.derivationDescription !== undefined) dataset['DerivationDescription'] = o.derivationDescription.slice(0, 1024);
  await writeDicomDataset(file, dataset);
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}
