import type { Point3 } from '../../core/geometry.js';
import type { StoredSamples } from './codecs/stored-samples.js';
import type { ModalityRescale } from './modality-rescale.js';
import type { PixelDescription } from './pixel-description.js';
import type { PixelSpacing } from './pixel-spacing.js';
import type { DicomIdentity } from './write/dicom-identity.js';

/** One decoded DICOM image object: stored samples per frame plus the metadata openbmd uses. */
export interface DicomImage {
  file: string;
  transferSyntaxUid: string;
  transferSyntaxName: string;
  modality: string | undefined;
  sopClassUid: string | undefined;
  sopInstanceUid: string | undefined;
  studyInstanceUid: string | undefined;
  seriesInstanceUid: string | undefined;
  frameOfReferenceUid: string | undefined;
  seriesDescription: string | undefined;
  /** ImageType values (ORIGINAL/DERIVED, PRIMARY/SECONDARY, then e.g. AXIAL or LOCALIZER); empty when absent. */
  imageType: string[];
  instanceNumber: number | undefined;
  pixel: PixelDescription;
  /** Stored values, one pixel-interleaved array per frame, before the modality rescale. */
  frames: StoredSamples[];
  rescale: ModalityRescale & { type: string | undefined };
  pixelSpacing: PixelSpacing | undefined;
  /** Window centre/width pairs as stored (presentation metadata, not applied). */
  windows: { center: number; width: number }[];
  imagePositionPatient: Point3 | undefined;
  /** Row direction cosines then column direction cosines. */
  imageOrientationPatient: [number, number, number, number, number, number] | undefined;
  sliceThicknessMm: number | undefined;
  gantryTiltDeg: number | undefined;
  contrastBolusAgent: string | undefined;
  /** Patient and study attributes, copied onto derived objects (Secondary Capture) so PACS files them together. */
  identity: DicomIdentity;
  acquisition: {
    kvp: number | undefined;
    manufacturer: string | undefined;
    model: string | undefined;
    bodyPart: string | undefined;
    viewPosition: string | undefined;
    /** Projection radiographs: source to detector and source to patient (isocentre), mm; detector pitch [row, column], mm. */
    sourceToDetectorMm: number | undefined;
    sourceToPatientMm: number | undefined;
    imagerPixelSpacingMm: [number, number] | undefined;
  };
}
