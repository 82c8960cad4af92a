import { OpenBmdError } from '../core/errors.js';
import type { Image2D } from '../core/image2d.js';
import { readRasterImage } from './raster-image.js';

/** Reads a label PNG (or TIFF) on an image's pixel grid (same size), or refuses naming the file. */
export async function readLabelImage(file: string, image: Image2D): Promise<ArrayLike<number>> {
  const labels = await readRasterImage(file, { spacingMm: [image.spacingMm[1], image.spacingMm[0]] });
  if (labels.size[0] !== image.size[0] || labels.size[1] !== image.size[1]) {
    throw new OpenBmdError('INCONSISTENT', `label image is ${labels.size.join('x')}, the radiograph ${image.size.join('x')}`, { file });
  }
  return labels.data;
}
