import { OpenBmdError } from '../../../core/errors.js';
import type { Point3 } from '../../../core/geometry.js';
import type { DicomIdentity } from './dicom-identity.js';
import { newDicomUid } from './dicom-uid.js';
import { commonModules, writeDicomDataset } from './write-dicom-dataset.js';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

/** A coded concept (code value, scheme designator, meaning). */
export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

export interface SegmentToWrite {
  label: string;
  description: string;
  category: Code;
  type: Code;
  algorithmName: string;
  /** Per slice index of the grid, the slice's binary mask (columns x rows, 1 = in the segment); slices without voxels are left out. */
  slices: Map<number, Uint8Array>;
}

export interface SegmentationOptions {
  identity: DicomIdentity;
  seriesDescription: string;
  frameOfReferenceUid: string;
  columns: number;
  rows: number;
  /** [between rows, between columns] mm. */
  pixelSpacingMm: [number, number];
  sliceThicknessMm: number;
  /** Row then column direction cosines, as ImageOrientationPatient. */
  imageOrientationPatient: [number, number, number, number, number, number];
  /** ImagePositionPatient of each slice of the grid. */
  slicePositionsMm: Point3[];
  /** The source series and its slices (same grid), for the derivation references. */
  sourceSeriesInstanceUid: string | undefined;
  sourceSlices: { sopClassUid: string | undefined; sopInstanceUid: string | undefined }[];
  segments: SegmentToWrite[];
  manufacturerModelName: string;
  softwareVersion: string;
  /** Given when another object (an SR) must reference this one; new otherwise. */
  sopInstanceUid?: string;
  seriesInstanceUid?: string;
}

const code = (c: Code): Record<string, string> => ({ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning });

/**
 * Writes a binary DICOM Segmentation (SEG) of masks on a source series' grid: one frame per segment
 * and slice that holds voxels, each with its plane position, segment number and the source slice it
 * was derived from, bit-packed (1 bit per pixel, frames back to back).
 */
export async function writeSegmentation(file: string, o: SegmentationOptions): Promise<void> {
  const frames: { segment: number; slice: number; mask: Uint8Array }[] = [];
  o.segments.forEach((s, index) => {
    for (const slice of [...s.slices.keys()].sort((a, b) => a - b)) frames.push({ segment: index + 1, slice, mask: s.slices.get(slice)! });
  });
  if (frames.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'no segment has any voxel: nothing to write', { file });
  const pixelsPerFrame = o.columns * o.rows;
  const totalBits = frames.length * pixelsPerFrame;
  const bytes = new Uint8Array(Math.ceil(totalBits / 8) + (Math.ceil(totalBits / 8) % 2));
  frames.forEach((f, n) => {
    if (f.mask.length !== pixelsPerFrame)
      throw new OpenBmdError('BAD_ARGUMENT', `segment ${f.segment} slice ${f.slice}: mask has ${f.mask.length} pixels, ${pixelsPerFrame} expected`, { file });
    const base = n * pixelsPerFrame;
    for (let p = 0; p < pixelsPerFrame; p++) if (f.mask[p] !== 0) bytes[(base + p) >> 3]! |= 1 << ((base + p) & 7);
  });
  const dimensionOrganizationUid = newDicomUid();
  const referenced = new Map<string, string>();
  const perFrame = frames.map((f) => {
    const source = o.sourceSlices[f.slice];
    const item: Record<string, unknown> = {
      FrameContentSequence: [{ DimensionIndexValues: [f.segment, f.slice + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: o.slicePositionsMm[f.slice]!.map((v) => Number(v.toFixed(4))) }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.segment }],
    };
    if (source?.sopInstanceUid !== undefined && source.sopClassUid !== undefined) {
      referenced.set(source.sopInstanceUid, source.sopClassUid);
      item['DerivationImageSequence'] = [
        {
          DerivationCodeSequence: [code({ value: '113076', scheme: 'DCM', meaning: 'Segmentation' })],
          SourceImageSequence: [
            {
              ReferencedSOPClassUID: source.sopClassUid,
              ReferencedSOPInstanceUID: source.sopInstanceUid,
              PurposeOfReferenceCodeSequence: [code({ value: '121322', scheme: 'DCM', meaning: 'Source image for image processing operation' })],
            },
          ],
        },
      ];
    }
    return item;
  });
  const dataset: Record<string, unknown> = {
    ...commonModules({
      identity: o.identity,
      sopClassUid: SEGMENTATION_STORAGE,
      modality: 'SEG',
      seriesDescription: o.seriesDescription,
      ...(o.sopInstanceUid === undefined ? {} : { sopInstanceUid: o.sopInstanceUid }),
      ...(o.seriesInstanceUid === undefined ? {} : { seriesInstanceUid: o.seriesInstanceUid }),
    }),
    FrameOfReferenceUID: o.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    Manufacturer: 'openbmd',
    ManufacturerModelName: o.manufacturerModelName,
    DeviceSerialNumber: '1',
    SoftwareVersions: o.softwareVersion,
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentLabel: 'CANCELLOUS',
    ContentDescription: 'cancellous bone of the measured vertebrae',
    ContentCreatorName: 'openbmd^software',
    SegmentationType: 'BINARY',
    LossyImageCompression: '00',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: o.rows,
    Columns: o.columns,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    NumberOfFrames: String(frames.length),
    SegmentSequence: o.segments.map((s, index) => ({
      SegmentNumber: index + 1,
      SegmentLabel: s.label,
      SegmentDescription: s.description,
      SegmentAlgorithmType: 'AUTOMATIC',
      SegmentAlgorithmName: s.algorithmName,
      SegmentedPropertyCategoryCodeSequence: [code(s.category)],
      SegmentedPropertyTypeCodeSequence: [code(s.type)],
    })),
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: dimensionOrganizationUid,
        DimensionIndexPointer: 0x0062000b,
        FunctionalGroupPointer: 0x0062000a,
        DimensionDescriptionLabel: 'ReferencedSegmentNumber',
      },
      {
        DimensionOrganizationUID: dimensionOrganizationUid,
        DimensionIndexPointer: 0x00200032,
        FunctionalGroupPointer: 0x00209113,
        DimensionDescriptionLabel: 'ImagePositionPatient',
      },
    ],
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [{ PixelSpacing: o.pixelSpacingMm.map((v) => Number(v.toFixed(6))), SliceThickness: Number(o.sliceThicknessMm.toFixed(4)) }],
        PlaneOrientationSequence: [{ ImageOrientationPatient: o.imageOrientationPatient.map((v) => Number(v.toFixed(6))) }],
      },
    ],
    PerFrameFunctionalGroupsSequence: perFrame,
    PixelData: bytes.buffer,
    _vrMap: { PixelData: 'OB' },
  };
  // Laterality is for paired body parts; the spine is not one (dciodvfy: present when the condition is unsatisfied).
  delete dataset['Laterality'];
  if (o.sourceSeriesInstanceUid !== undefined && referenced.size > 0) {
    dataset['ReferencedSeriesSequence'] = [
      {
        SeriesInstanceUID: o.sourceSeriesInstanceUid,
        ReferencedInstanceSequence: [...referenced.entries()].map(([uid, cls]) => ({ ReferencedSOPClassUID: cls, ReferencedSOPInstanceUID: uid })),
      },
    ];
  }
  await writeDicomDataset(file, dataset);
}
