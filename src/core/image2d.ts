import type { Matrix3, Point3 } from './geometry.js';
import { IDENTITY_DIRECTION } from './geometry.js';
import { OpenBmdError } from './errors.js';
import type { PixelArray } from './pixel-array.js';
import type { ValueUnit } from './value-unit.js';

/**
 * A 2-D image with physical geometry. Index (i, j) = (column, row); i varies fastest. With
 * samplesPerPixel > 1 the samples of one pixel are adjacent (RGBRGB...).
 * See docs/conventions.md.
 */
export interface Image2D {
  readonly data: PixelArray;
  /** [columns, rows] */
  readonly size: readonly [number, number];
  /** [spacing along i (between columns), spacing along j (between rows)], mm. */
  readonly spacingMm: readonly [number, number];
  /** Patient-frame position of the centre of pixel (0, 0), mm. */
  readonly originMm: Point3;
  /** Columns 0 and 1 are the patient-frame directions of +i and +j; column 2 their normal. */
  readonly direction: Matrix3;
  readonly unit: ValueUnit;
  readonly samplesPerPixel: number;
}

export interface CreateImage2DOptions {
  data: PixelArray;
  size: readonly [number, number];
  spacingMm: readonly [number, number];
  originMm?: Point3;
  direction?: Matrix3;
  unit: ValueUnit;
  samplesPerPixel?: number;
}

export function createImage2D(options: CreateImage2DOptions): Image2D {
  const samplesPerPixel = options.samplesPerPixel ?? 1;
  const [columns, rows] = options.size;
  const expected = columns * rows * samplesPerPixel;
  if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns <= 0 || rows <= 0) {
    throw new OpenBmdError('BAD_ARGUMENT', `image size must be positive integers, got ${columns}x${rows}`);
  }
  if (options.data.length !== expected) {
    throw new OpenBmdError('INCONSISTENT', `image data has ${options.data.length} values, size ${columns}x${rows}x${samplesPerPixel} needs ${expected}`);
  }
  for (const s of options.spacingMm) {
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new OpenBmdError('BAD_ARGUMENT', `pixel spacing must be positive and finite, got ${options.spacingMm.join(', ')} mm`);
    }
  }
  return {
    data: options.data,
    size: [columns, rows],
    spacingMm: [options.spacingMm[0], options.spacingMm[1]],
    originMm: options.originMm ?? [0, 0, 0],
    direction: options.direction ?? IDENTITY_DIRECTION,
    unit: options.unit,
    samplesPerPixel,
  };
}

/** Patient-frame position (mm) of continuous index (i, j). */
export function imageIndexToPointMm(image: Image2D, i: number, j: number): Point3 {
  const d = image.direction;
  const u = i * image.spacingMm[0];
  const v = j * image.spacingMm[1];
  return [image.originMm[0] + d[0] * u + d[1] * v, image.originMm[1] + d[3] * u + d[4] * v, image.originMm[2] + d[6] * u + d[7] * v];
}

/** Continuous index (i, j) of a patient-frame point, projected onto the image plane. */
export function imagePointMmToIndex(image: Image2D, point: Point3): [number, number] {
  const d = image.direction;
  const p = [point[0] - image.originMm[0], point[1] - image.originMm[1], point[2] - image.originMm[2]] as const;
  const u = d[0] * p[0] + d[3] * p[1] + d[6] * p[2];
  const v = d[1] * p[0] + d[4] * p[1] + d[7] * p[2];
  return [u / image.spacingMm[0], v / image.spacingMm[1]];
}
