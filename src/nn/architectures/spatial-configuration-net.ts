import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { uNetFeatures } from './unet.js';

type Tf = TensorFlow;
type SymbolicTensor = tfTypes.SymbolicTensor;

/** Heat-map landmark network with a spatial-configuration stage (Payer et al. 2019, as seed 000 uses). */
export interface SpatialConfigurationOptions {
  /** [height, width, channels]; height and width divisible by 2^depth and by `configurationDownsampling`. */
  inputShape: [number, number, number];
  landmarks: number;
  baseFilters?: number;
  depth?: number;
  /** Resolution reduction of the spatial-configuration stage, and its kernel size there. */
  configurationDownsampling?: number;
  configurationKernel?: number;
  configurationFilters?: number;
  name?: string;
  seed?: number;
}

/**
 * Local appearance: a U-Net whose 1x1 head gives one heat map per landmark (precise but ambiguous
 * where structures look alike). Spatial configuration: the same heat maps at low resolution, large
 * kernels that relate each landmark to the others, tanh, upsampled back. The output heat maps are
 * the product of the two, so a local response survives only where the configuration agrees.
 */
export function spatialConfigurationNet(tf: Tf, o: SpatialConfigurationOptions): tfTypes.LayersModel {
  const seed = o.seed ?? 1;
  let index = 0;
  const init = (): ReturnType<Tf['initializers']['heNormal']> => tf.initializers.heNormal({ seed: seed + 7000 + index++ });
  const input = tf.input({ shape: o.inputShape, name: 'image' });
  const features = uNetFeatures(tf, input, { inputShape: o.inputShape, baseFilters: o.baseFilters ?? 8, depth: o.depth ?? 2, seed });
  const local = tf.layers
    .conv2d({ filters: o.landmarks, kernelSize: 1, padding: 'same', kernelInitializer: init(), name: 'local_appearance' })
    .apply(features) as SymbolicTensor;
  const f = o.configurationDownsampling ?? 4;
  const k = o.configurationKernel ?? 7;
  let sc = tf.layers.averagePooling2d({ poolSize: f, strides: f }).apply(local) as SymbolicTensor;
  for (let i = 0; i < 3; i++)
    sc = tf.layers
      .conv2d({ filters: o.configurationFilters ?? 16, kernelSize: k, padding: 'same', activation: 'relu', kernelInitializer: init() })
      .apply(sc) as SymbolicTensor;
  sc = tf.layers
    .conv2d({
      filters: o.landmarks,
      kernelSize: k,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: tf.initializers.zeros(),
      biasInitializer: tf.initializers.ones(),
    })
    .apply(sc) as SymbolicTensor;
  sc = tf.layers.upSampling2d({ size: [f, f], interpolation: 'bilinear' }).apply(sc) as SymbolicTensor;
  const heatmaps = tf.layers.multiply({ name: 'heatmaps' }).apply([local, sc]) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: heatmaps, name: o.name ?? 'spatial-configuration-net' });
}

/** Gaussian target heat maps (peak 1) for landmark positions (column, row) in pixels, [rows, columns, landmarks] flattened. */
export function landmarkHeatmaps(points: readonly (readonly [number, number])[], columns: number, rows: number, sigmaPixels: number): Float32Array {
  const out = new Float32Array(rows * columns * points.length);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < columns; i++) {
      points.forEach(([x, y], l) => {
        out[(j * columns + i) * points.length + l] = Math.exp(-((i - x) ** 2 + (j - y) ** 2) / (2 * sigmaPixels * sigmaPixels));
      });
    }
  }
  return out;
}

/**
 * Landmark positions from heat maps: the maximum, refined along each axis by the parabola through
 * the log of the maximum and its two neighbours (exact for a Gaussian peak); clamped to half a pixel.
 */
export function heatmapPeaks(heatmaps: Float32Array, columns: number, rows: number, landmarks: number): [number, number][] {
  const peaks: [number, number][] = [];
  const at = (i: number, j: number, l: number): number => heatmaps[(j * columns + i) * landmarks + l]!;
  for (let l = 0; l < landmarks; l++) {
    let best = -Infinity;
    let index = 0;
    for (let p = 0; p < columns * rows; p++) {
      const v = heatmaps[p * landmarks + l]!;
      if (v > best) {
        best = v;
        index = p;
      }
    }
    const ci = index % columns;
    const cj = Math.floor(index / columns);
    const refine = (before: number, centre: number, after: number): number => {
      if (!(before > 0 && centre > 0 && after > 0)) return 0;
      const a = Math.log(before);
      const b = Math.log(centre);
      const c = Math.log(after);
      const curvature = a - 2 * b + c;
      return curvature < 0 ? Math.max(-0.5, Math.min(0.5, (a - c) / (2 * curvature))) : 0;
    };
    const dx = ci > 0 && ci < columns - 1 ? refine(at(ci - 1, cj, l), best, at(ci + 1, cj, l)) : 0;
    const dy = cj > 0 && cj < rows - 1 ? refine(at(ci, cj - 1, l), best, at(ci, cj + 1, l)) : 0;
    peaks.push([ci + dx, cj + dy]);
  }
  return peaks;
}
