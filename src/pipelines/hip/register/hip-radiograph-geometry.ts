import { OpenBmdError } from '../../../core/errors.js';
import type { Point3 } from '../../../core/geometry.js';
import type { DicomImage } from '../../../io/dicom/dicom-image.js';
import type { DrrGeometry } from '../../../physics/drr/drr-geometry.js';

/**
 * The projection geometry of an AP pelvis radiograph from its DICOM header, for DRRs of the same
 * patient's CT: source anterior to the patient, detector behind, first row superior, columns toward
 * the patient's left (an AP image as it is hung); SID, source-to-patient distance and the detector
 * pitch from DistanceSourceToDetector, DistanceSourceToPatient and ImagerPixelSpacing. The central
 * ray is put through `isocenterMm` (the hips' midpoint in the CT); registration finds the rest.
 */
export function hipRadiographGeometry(o: { image: DicomImage; isocenterMm: Point3 }): DrrGeometry {
  const a = o.image.acquisition;
  const file = o.image.file;
  if (a.imagerPixelSpacingMm === undefined)
    throw new OpenBmdError('MISSING_SPACING', 'has no ImagerPixelSpacing: the detector pitch is needed to project the CT', { file });
  if (a.sourceToDetectorMm === undefined || a.sourceToPatientMm === undefined)
    throw new OpenBmdError('MISSING_SPACING', 'has no DistanceSourceToDetector or DistanceSourceToPatient: the magnification is needed to project the CT', {
      file,
    });
  if (!(a.sourceToPatientMm < a.sourceToDetectorMm))
    throw new OpenBmdError(
      'INVALID_VALUE',
      `DistanceSourceToPatient ${a.sourceToPatientMm} mm is not less than DistanceSourceToDetector ${a.sourceToDetectorMm} mm`,
      { file },
    );
  return {
    sourceToIsocenterMm: a.sourceToPatientMm,
    sourceToDetectorMm: a.sourceToDetectorMm,
    isocenterMm: o.isocenterMm,
    towardSource: [0, -1, 0],
    up: [0, 0, 1],
    rows: o.image.pixel.rows,
    columns: o.image.pixel.columns,
    pixelMm: a.imagerPixelSpacingMm,
  };
}
