import { OpenBmdError } from '../../core/errors.js';
import type { Matrix3, Vector3 } from '../../core/geometry.js';
import { cross, directionFromAxes, normalize } from '../../core/geometry.js';
import type { Image2D } from '../../core/image2d.js';
import { createImage2D } from '../../core/image2d.js';
import type { ValueUnit } from '../../core/value-unit.js';
import type { StoredSamples } from './codecs/stored-samples.js';
import type { DicomImage } from './dicom-image.js';
import { applyModalityRescale } from './modality-rescale.js';

export interface DicomToImage2DOptions {
  frame?: number;
  /**
   * [between rows, between columns] in mm, for images whose file has no spacing. A user option,
   * never a guess: without it a file without spacing is refused.
   */
  spacingMmOverride?: [number, number];
}

/**
 * One frame as an Image2D: modality rescale applied, MONOCHROME1 inverted so that larger values
 * always mean brighter (more attenuation on a radiograph), geometry from the file.
 */
export function dicomFrameToImage2D(image: DicomImage, options: DicomToImage2DOptions = {}): Image2D {
  const frameIndex = options.frame ?? 0;
  const stored = image.frames[frameIndex];
  if (stored === undefined) {
    throw new OpenBmdError('BAD_ARGUMENT', `frame ${frameIndex} requested, the file has ${image.frames.length}`, { file: image.file });
  }
  const spacing = options.spacingMmOverride ?? image.pixelSpacing?.rowColumnMm;
  if (spacing === undefined) {
    throw new OpenBmdError('MISSING_SPACING', 'has no PixelSpacing or ImagerPixelSpacing; give the spacing explicitly (--spacing-mm ROW,COL) if it is known', {
      file: image.file,
    });
  }
  const p = image.pixel;
  const inverted = p.photometric === 'MONOCHROME1' ? invertStored(stored, p.bitsStored, p.signed) : stored;
  return createImage2D({
    data: applyModalityRescale(inverted, image.rescale),
    size: [p.columns, p.rows],
    spacingMm: [spacing[1], spacing[0]],
    ...(image.imagePositionPatient === undefined ? {} : { originMm: image.imagePositionPatient }),
    direction: directionFrom(image.imageOrientationPatient),
    unit: unitOf(image),
    samplesPerPixel: p.samplesPerPixel,
  });
}

function unitOf(image: DicomImage): ValueUnit {
  if (image.pixel.samplesPerPixel === 3) return 'rgb';
  if (image.modality === 'CT' && (image.rescale.type === undefined || image.rescale.type === 'HU')) return 'HU';
  return 'raw';
}

function directionFrom(iop: DicomImage['imageOrientationPatient']): Matrix3 | undefined {
  if (iop === undefined) return undefined;
  const row: Vector3 = [iop[0], iop[1], iop[2]];
  const col: Vector3 = [iop[3], iop[4], iop[5]];
  return directionFromAxes(normalize(row), normalize(col), normalize(cross(row, col)));
}

/** Mirrors stored values within the BitsStored range: v -> max + min - v. */
function invertStored(stored: StoredSamples, bitsStored: number, signed: boolean): StoredSamples {
  const min = signed ? -(2 ** (bitsStored - 1)) : 0;
  const max = signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
  const out = stored.slice();
  for (let i = 0; i < out.length; i++) out[i] = max + min - stored[i]!;
  return out;
}
