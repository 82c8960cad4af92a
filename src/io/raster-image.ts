import { readFile } from 'node:fs/promises';
import { decode as decodePng } from 'fast-png';
import UTIF from 'utif';
import { OpenBmdError, describeThrown } from '../core/errors.js';
import type { Image2D } from '../core/image2d.js';
import { createImage2D } from '../core/image2d.js';
import type { PixelArray } from '../core/pixel-array.js';

export interface ReadRasterOptions {
  /**
   * [between rows, between columns] in mm. PNG and TIFF carry no trustworthy physical spacing, so
   * it must be given; there is no default.
   */
  spacingMm: [number, number] | undefined;
}

/** Reads an 8/16-bit greyscale or RGB PNG or TIFF into an Image2D with the given spacing. */
export async function readRasterImage(file: string, options: ReadRasterOptions): Promise<Image2D> {
  if (options.spacingMm === undefined) {
    throw new OpenBmdError('MISSING_SPACING', 'PNG and TIFF images need the pixel spacing given explicitly (--spacing-mm ROW,COL)', { file });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (thrown) {
    throw new OpenBmdError('FILE_NOT_FOUND', `cannot be read (${describeThrown(thrown)})`, { file });
  }
  const format = detectRasterFormat(bytes);
  const decoded = format === 'png' ? decodePngRaster(bytes, file) : format === 'tiff' ? decodeTiffRaster(bytes, file) : undefined;
  if (decoded === undefined) throw new OpenBmdError('UNSUPPORTED', 'is neither PNG nor TIFF', { file });
  const { data, width, height, samplesPerPixel } = decoded;
  return createImage2D({
    data,
    size: [width, height],
    spacingMm: [options.spacingMm[1], options.spacingMm[0]],
    unit: samplesPerPixel === 3 ? 'rgb' : 'raw',
    samplesPerPixel,
  });
}

interface Raster {
  data: PixelArray;
  width: number;
  height: number;
  samplesPerPixel: 1 | 3;
}

/** PNG or TIFF by their signatures (the first bytes of the file), else undefined. */
export function detectRasterFormat(b: Uint8Array): 'png' | 'tiff' | undefined {
  if (b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length > 8 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 42))) return 'tiff';
  return undefined;
}

function decodePngRaster(bytes: Uint8Array, file: string): Raster {
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (thrown) {
    throw new OpenBmdError('CODEC', `PNG cannot be decoded (${describeThrown(thrown)})`, { file });
  }
  if (png.palette !== undefined) throw new OpenBmdError('UNSUPPORTED', 'palette PNGs are not supported', { file });
  if (png.depth !== 8 && png.depth !== 16) throw new OpenBmdError('UNSUPPORTED', `${png.depth}-bit PNG is not supported (8 or 16)`, { file });
  // Alpha carries no attenuation information: dropped.
  const colour = png.channels >= 3;
  const keep = colour ? 3 : 1;
  const pixels = png.width * png.height;
  const out = png.depth === 16 ? new Uint16Array(pixels * keep) : new Uint8Array(pixels * keep);
  for (let p = 0; p < pixels; p++) for (let s = 0; s < keep; s++) out[p * keep + s] = png.data[p * png.channels + s]!;
  return { data: out, width: png.width, height: png.height, samplesPerPixel: colour ? 3 : 1 };
}

function decodeTiffRaster(bytes: Uint8Array, file: string): Raster {
  try {
    const ifds = UTIF.decode(bytes);
    const ifd = ifds[0];
    if (ifd === undefined) throw new OpenBmdError('MALFORMED', 'TIFF has no image', { file });
    UTIF.decodeImage(bytes, ifd);
    const bits = firstNumber(ifd['t258']) ?? 1;
    const samples = firstNumber(ifd['t277']) ?? 1;
    if (bits !== 8 && bits !== 16) throw new OpenBmdError('UNSUPPORTED', `${bits}-bit TIFF is not supported (8 or 16)`, { file });
    if (samples !== 1 && samples !== 3) throw new OpenBmdError('UNSUPPORTED', `TIFF with ${samples} samples per pixel is not supported`, { file });
    const count = ifd.width * ifd.height * samples;
    if (ifd.data.length < (count * bits) / 8) throw new OpenBmdError('TRUNCATED', 'TIFF strips hold fewer bytes than the image needs', { file });
    const littleEndian = bytes[0] === 0x49;
    let data: PixelArray;
    if (bits === 8) {
      data = ifd.data.slice(0, count);
    } else {
      const view = new DataView(ifd.data.buffer, ifd.data.byteOffset, count * 2);
      data = new Uint16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getUint16(2 * i, littleEndian);
    }
    return { data, width: ifd.width, height: ifd.height, samplesPerPixel: samples === 3 ? 3 : 1 };
  } catch (thrown) {
    if (thrown instanceof OpenBmdError) throw thrown;
    throw new OpenBmdError('CODEC', `TIFF cannot be decoded (${describeThrown(thrown)})`, { file });
  }
}

function firstNumber(value: unknown): number | undefined {
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return typeof value === 'number' ? value : undefined;
}
