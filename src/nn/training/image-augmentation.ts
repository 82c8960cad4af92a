import type { SeededRandom } from '../../core/seeded-random.js';

/** Ranges of the random augmentation; each value is drawn uniformly in [-range, +range]. */
export interface AugmentationRanges {
  rotationDeg: number;
  shearDeg: number;
  /** Fraction of the image size. */
  translationFraction: number;
  /** Relative: 0.3 draws a zoom in [0.7, 1.3]. */
  scaleFraction: number;
  /** Multiplicative factor in [1 - b, 1 + b] (as torchvision's ColorJitter). */
  brightness: number;
  /** Blend with the image mean, factor in [1 - c, 1 + c]. */
  contrast: number;
  horizontalFlip: boolean;
  verticalFlip: boolean;
}

/** Seed 001's list: rotation +-25 deg, shear +-9 deg, translation +-0.3, scale +-0.3, brightness and contrast +-0.5, both flips. */
export const SEED_001_AUGMENTATION: AugmentationRanges = {
  rotationDeg: 25,
  shearDeg: 9,
  translationFraction: 0.3,
  scaleFraction: 0.3,
  brightness: 0.5,
  contrast: 0.5,
  horizontalFlip: true,
  verticalFlip: true,
};

/** 2x3 affine matrix [a, b, c, d, e, f]: x' = a x + b y + c, y' = d x + e y + f (pixel coordinates). */
export type Affine = [number, number, number, number, number, number];

/** One draw: the geometric transform (input pixel -> output pixel) and the intensity factors. */
export interface AugmentationDraw {
  forward: Affine;
  brightnessFactor: number;
  contrastFactor: number;
}

const uniform = (random: SeededRandom, range: number): number => (2 * random.nextFloat() - 1) * range;

function compose(p: Affine, q: Affine): Affine {
  // p after q.
  return [
    p[0] * q[0] + p[1] * q[3],
    p[0] * q[1] + p[1] * q[4],
    p[0] * q[2] + p[1] * q[5] + p[2],
    p[3] * q[0] + p[4] * q[3],
    p[3] * q[1] + p[4] * q[4],
    p[3] * q[2] + p[4] * q[5] + p[5],
  ];
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

export function transformPoint(m: Affine, [x, y]: readonly [number, number]): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/**
 * Draws one augmentation for an image of the given size: flips, scale, shear and rotation about the
 * image centre, then translation. The same draw is applied to an image and to its masks, heat maps
 * or landmarks, so they stay in register.
 */
export function drawAugmentation(ranges: AugmentationRanges, columns: number, rows: number, random: SeededRandom): AugmentationDraw {
  const cx = (columns - 1) / 2;
  const cy = (rows - 1) / 2;
  const flipX = ranges.horizontalFlip && random.nextFloat() < 0.5 ? -1 : 1;
  const flipY = ranges.verticalFlip && random.nextFloat() < 0.5 ? -1 : 1;
  const scale = 1 + uniform(random, ranges.scaleFraction);
  const shear = Math.tan((uniform(random, ranges.shearDeg) * Math.PI) / 180);
  const angle = (uniform(random, ranges.rotationDeg) * Math.PI) / 180;
  const tx = uniform(random, ranges.translationFraction) * columns;
  const ty = uniform(random, ranges.translationFraction) * rows;
  const toCentre: Affine = [1, 0, -cx, 0, 1, -cy];
  const flipScale: Affine = [flipX * scale, 0, 0, 0, flipY * scale, 0];
  const shearing: Affine = [1, shear, 0, 0, 1, 0];
  const rotation: Affine = [Math.cos(angle), -Math.sin(angle), 0, Math.sin(angle), Math.cos(angle), 0];
  const back: Affine = [1, 0, cx + tx, 0, 1, cy + ty];
  const forward = compose(back, compose(rotation, compose(shearing, compose(flipScale, toCentre))));
  return { forward, brightnessFactor: 1 + uniform(random, ranges.brightness), contrastFactor: 1 + uniform(random, ranges.contrast) };
}

/**
 * Resamples an interleaved [rows, columns, channels] image through the inverse of `forward`:
 * bilinear for images and probability maps, nearest for label maps. Outside the input is `fill`.
 */
export function warpImage(
  data: Float32Array,
  columns: number,
  rows: number,
  channels: number,
  forward: Affine,
  interpolation: 'bilinear' | 'nearest',
  fill = 0,
): Float32Array {
  const inverse = invertAffine(forward);
  const out = new Float32Array(data.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const sx = inverse[0] * x + inverse[1] * y + inverse[2];
      const sy = inverse[3] * x + inverse[4] * y + inverse[5];
      const o = (y * columns + x) * channels;
      if (interpolation === 'nearest') {
        const ix = Math.round(sx);
        const iy = Math.round(sy);
        const inside = ix >= 0 && iy >= 0 && ix < columns && iy < rows;
        for (let c = 0; c < channels; c++) out[o + c] = inside ? data[(iy * columns + ix) * channels + c]! : fill;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < channels; c++) {
        const at = (xx: number, yy: number): number => (xx >= 0 && yy >= 0 && xx < columns && yy < rows ? data[(yy * columns + xx) * channels + c]! : fill);
        const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
        const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
        out[o + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/** Brightness (a factor) and contrast (a blend with the image mean), in place. */
export function adjustIntensity(data: Float32Array, brightnessFactor: number, contrastFactor: number): void {
  let mean = 0;
  for (let i = 0; i < data.length; i++) mean += data[i]!;
  mean = (mean / Math.max(1, data.length)) * brightnessFactor;
  for (let i = 0; i < data.length; i++) data[i] = contrastFactor * data[i]! * brightnessFactor + (1 - contrastFactor) * mean;
}
