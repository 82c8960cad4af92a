import { OpenBmdError } from '../../core/errors.js';
import type { Image2D } from '../../core/image2d.js';
import type { DicomImage } from '../../io/dicom/dicom-image.js';
import { dicomFrameToImage2D } from '../../io/dicom/dicom-to-image2d.js';
import { LUMBAR_BODY_PARTS } from './lumbar-front.js';
import type { LumbarView } from './lumbar-networks.js';

/** The lumbar pipeline's image of one view: greyscale, one frame, square pixels with a stated spacing. */
export function lumbarRadiograph(dicom: DicomImage, view: LumbarView): Image2D {
  const name = view === 'ap' ? 'AP' : 'lateral';
  if (dicom.modality !== undefined && !['DX', 'CR', 'RG', 'DR'].includes(dicom.modality))
    throw new OpenBmdError('UNSUPPORTED', `Modality is ${dicom.modality}; the lumbar pipeline reads ${name} spine radiographs (DX, CR)`, { file: dicom.file });
  const part = dicom.acquisition.bodyPart?.trim().toUpperCase();
  if (part !== undefined && part !== '' && !LUMBAR_BODY_PARTS.includes(part))
    throw new OpenBmdError('INVALID_VALUE', `BodyPartExamined is ${part}: the lumbar pipeline reads lumbar spine radiographs`, { file: dicom.file });
  if (dicom.pixel.samplesPerPixel !== 1)
    throw new OpenBmdError('UNSUPPORTED', `has ${dicom.pixel.samplesPerPixel} samples per pixel; a radiograph is greyscale`, { file: dicom.file });
  if (dicom.frames.length !== 1)
    throw new OpenBmdError('UNSUPPORTED', `has ${dicom.frames.length} frames; one ${name} radiograph was expected`, { file: dicom.file });
  const image = dicomFrameToImage2D(dicom);
  if (Math.abs(image.spacingMm[0] - image.spacingMm[1]) > 1e-3 * image.spacingMm[0])
    throw new OpenBmdError('UNSUPPORTED', `has non-square pixels (${image.spacingMm.join(' x ')} mm)`, { file: dicom.file });
  return image;
}
