import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type SymbolicTensor = tfTypes.SymbolicTensor;

/** U-Net (Ronneberger et al. 2015), optionally with attention gates on the skips (Oktay et al. 2018). */
export interface UNetOptions {
  /** [height, width, channels]; height and width divisible by 2^depth. */
  inputShape: [number, number, number];
  /** Output channels (1 with sigmoid for a binary mask; n with softmax for n classes). */
  classes: number;
  /** Maps of the first level; doubled at each level down. */
  baseFilters?: number;
  /** Number of 2x downsamplings. */
  depth?: number;
  attentionGates?: boolean;
  name?: string;
  seed?: number;
}

/**
 * Encoder of (conv3x3-BN-ReLU) x 2 blocks with 2x max pooling, a bottleneck, and a decoder of 2x
 * transposed convolutions concatenated with the skip at the same scale. With attention gates each
 * skip x is multiplied by a per-pixel coefficient alpha = sigmoid(psi(relu(Wx x + Wg g))), where g
 * is the coarser decoder signal upsampled to x's scale: the decoder learns where to look.
 */
export function uNet(tf: Tf, o: UNetOptions): tfTypes.LayersModel {
  const input = tf.input({ shape: o.inputShape, name: 'image' });
  const features = uNetFeatures(tf, input, o);
  const output = tf.layers
    .conv2d({
      filters: o.classes,
      kernelSize: 1,
      padding: 'same',
      activation: o.classes === 1 ? 'sigmoid' : 'softmax',
      kernelInitializer: tf.initializers.heNormal({ seed: (o.seed ?? 1) + 5000 }),
    })
    .apply(features) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: o.name ?? (o.attentionGates === true ? 'attention-unet' : 'unet') });
}

/** The U-Net body on a symbolic input: the last decoder block's feature maps, at input resolution. */
export function uNetFeatures(tf: Tf, input: SymbolicTensor, o: Omit<UNetOptions, 'classes'>): SymbolicTensor {
  const base = o.baseFilters ?? 8;
  const depth = o.depth ?? 3;
  const seed = o.seed ?? 1;
  let index = 0;
  const init = (): ReturnType<Tf['initializers']['heNormal']> => tf.initializers.heNormal({ seed: seed + index++ });
  const conv = (x: SymbolicTensor, filters: number, size: number, activation: 'linear' | 'sigmoid' = 'linear'): SymbolicTensor =>
    tf.layers.conv2d({ filters, kernelSize: size, padding: 'same', activation, kernelInitializer: init() }).apply(x) as SymbolicTensor;
  const block = (x: SymbolicTensor, filters: number): SymbolicTensor => {
    let y = x;
    for (let i = 0; i < 2; i++) {
      y = conv(y, filters, 3);
      y = tf.layers.batchNormalization({ momentum: 0.9 }).apply(y) as SymbolicTensor;
      y = tf.layers.activation({ activation: 'relu' }).apply(y) as SymbolicTensor;
    }
    return y;
  };
  const gate = (skip: SymbolicTensor, g: SymbolicTensor, filters: number): SymbolicTensor => {
    const theta = conv(skip, filters, 1);
    const phi = conv(g, filters, 1);
    const joined = tf.layers.activation({ activation: 'relu' }).apply(tf.layers.add().apply([theta, phi])) as SymbolicTensor;
    const alpha = conv(joined, 1, 1, 'sigmoid');
    return tf.layers.multiply().apply([skip, alpha]) as SymbolicTensor;
  };
  const skips: SymbolicTensor[] = [];
  let x: SymbolicTensor = input;
  for (let level = 0; level < depth; level++) {
    x = block(x, base * 2 ** level);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as SymbolicTensor;
  }
  x = block(x, base * 2 ** depth);
  for (let level = depth - 1; level >= 0; level--) {
    const filters = base * 2 ** level;
    const up = tf.layers.conv2dTranspose({ filters, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: init() }).apply(x) as SymbolicTensor;
    const skip = o.attentionGates === true ? gate(skips[level]!, up, Math.max(1, filters / 2)) : skips[level]!;
    x = block(tf.layers.concatenate({ axis: -1 }).apply([skip, up]) as SymbolicTensor, filters);
  }
  return x;
}
