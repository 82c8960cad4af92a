import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import { batchNormNd, globalAveragePooling3d } from './batch-norm-nd.js';

type Tf = TensorFlow;
type SymbolicTensor = tfTypes.SymbolicTensor;

/**
 * Compact 3-D U-Net with squeeze-and-excitation residual blocks, after AnatomyNet (Zhu et al. 2019)
 * as seed 002 uses it: one 2x downsampling only (small structures keep their detail), SE residual
 * blocks at the low resolution with U-Net skips between them, one 2x upsampling back.
 */
export interface SeResUNet3DOptions {
  /** [depth, height, width, channels]; depth, height and width even. */
  inputShape: [number, number, number, number];
  /** 1 (sigmoid, a binary mask) or more (softmax). */
  classes: number;
  /** Maps at full resolution (stem and head). */
  baseFilters?: number;
  /** Maps of the low-resolution SE residual blocks: encoder blocks, the middle one, then the decoder mirrors the encoder. */
  encoderFilters?: number[];
  middleFilters?: number;
  /** Squeeze ratio of the excitation (channels / ratio hidden units). */
  seReduction?: number;
  name?: string;
  seed?: number;
}

export function seResUNet3d(tf: Tf, o: SeResUNet3DOptions): tfTypes.LayersModel {
  const [d, h, w] = o.inputShape;
  if (d % 2 !== 0 || h % 2 !== 0 || w % 2 !== 0)
    throw new OpenBmdError('BAD_ARGUMENT', `SE residual U-Net input must have even depth, height and width, got [${o.inputShape.join(', ')}]`);
  const seed = o.seed ?? 1;
  let index = 0;
  const init = (): ReturnType<Tf['initializers']['heNormal']> => tf.initializers.heNormal({ seed: seed + index++ });
  const conv = (x: SymbolicTensor, filters: number, size: number): SymbolicTensor =>
    tf.layers.conv3d({ filters, kernelSize: size, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as SymbolicTensor;
  const relu = (x: SymbolicTensor): SymbolicTensor => tf.layers.activation({ activation: 'relu' }).apply(x) as SymbolicTensor;
  const ratio = o.seReduction ?? 4;
  const seResBlock = (x: SymbolicTensor, filters: number): SymbolicTensor => {
    let y = relu(batchNormNd(tf, conv(x, filters, 3)));
    y = batchNormNd(tf, conv(y, filters, 3));
    // Squeeze (global pooling) and excitation (two dense layers): a per-channel weight in (0, 1).
    let s = globalAveragePooling3d(tf, y);
    s = tf.layers.dense({ units: Math.max(2, Math.round(filters / ratio)), activation: 'relu', kernelInitializer: init() }).apply(s) as SymbolicTensor;
    s = tf.layers.dense({ units: filters, activation: 'sigmoid', kernelInitializer: init() }).apply(s) as SymbolicTensor;
    s = tf.layers.reshape({ targetShape: [1, 1, 1, filters] }).apply(s) as SymbolicTensor;
    y = tf.layers.multiply().apply([y, s]) as SymbolicTensor;
    const inputChannels = x.shape[x.shape.length - 1] as number;
    const shortcut = inputChannels === filters ? x : batchNormNd(tf, conv(x, filters, 1));
    return relu(tf.layers.add().apply([y, shortcut]) as SymbolicTensor);
  };
  const base = o.baseFilters ?? 8;
  const encoder = o.encoderFilters ?? [16, 20];
  const input = tf.input({ shape: o.inputShape, name: 'image' });
  const stem = relu(batchNormNd(tf, conv(input, base, 3)));
  let x = tf.layers.maxPooling3d({ poolSize: 2, strides: 2 }).apply(stem) as SymbolicTensor;
  const skips: SymbolicTensor[] = [];
  for (const filters of encoder) {
    x = seResBlock(x, filters);
    skips.push(x);
  }
  x = seResBlock(x, o.middleFilters ?? encoder[encoder.length - 1]! + 4);
  for (let level = encoder.length - 1; level >= 0; level--) {
    x = seResBlock(tf.layers.concatenate({ axis: -1 }).apply([x, skips[level]!]) as SymbolicTensor, encoder[level]!);
  }
  const up = tf.layers.conv3dTranspose({ filters: base, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: init() }).apply(x) as SymbolicTensor;
  x = relu(batchNormNd(tf, conv(tf.layers.concatenate({ axis: -1 }).apply([stem, up]) as SymbolicTensor, base, 3)));
  const output = tf.layers
    .conv3d({
      filters: o.classes,
      kernelSize: 1,
      padding: 'same',
      activation: o.classes === 1 ? 'sigmoid' : 'softmax',
      kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 5000 }),
    })
    .apply(x) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: o.name ?? 'se-res-unet-3d' });
}
