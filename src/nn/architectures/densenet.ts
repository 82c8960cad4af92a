import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import { batchNormNd, globalAveragePooling3d } from './batch-norm-nd.js';

type Tf = TensorFlow;
type SymbolicTensor = tfTypes.SymbolicTensor;

/** DenseNet-BC (Huang et al. 2017) in 2-D or 3-D; sizes are parameters, defaults fit a 2-core CPU. */
export interface DenseNetOptions {
  /** [height, width, channels] or [depth, height, width, channels]. */
  inputShape: number[];
  /** Feature maps each layer adds (k). */
  growthRate?: number;
  /** Layers per dense block; a transition (1x1 conv + 2x average pooling) follows every block but the last. */
  blockLayers?: number[];
  /** Transition compression (theta, 0 < theta <= 1). */
  compression?: number;
  /** 1x1 bottleneck (4k maps) before each 3x3 conv (the "B" of DenseNet-BC). */
  bottleneck?: boolean;
  /** Maps of the stem convolution (default 2k). */
  initialFilters?: number;
  /** Stride of the stem convolution (2 halves the input once more, for larger images). */
  stemStride?: number;
  /** 3x3 max pooling with stride 2 after the stem (the ImageNet DenseNet's stem): a 128 px input reaches the first block at 32 px with stride 2. */
  stemPool?: boolean;
  /** Size of the output layer; its activation is linear (regression) unless given. */
  outputs: number;
  outputActivation?: 'linear' | 'sigmoid' | 'softmax';
  /**
   * The output layer also sees the input's global average per channel: a linear path from the
   * input to the output, for inputs whose mean already carries most of the answer (a calibrated
   * mineral map), so the dense blocks learn the corrections.
   */
  inputAverageSkip?: boolean;
  /**
   * With the skip: the output layer's initial weight on each input channel's average, and zero on
   * the dense features, so training starts from that linear function and learns corrections. A
   * small cohort gives few optimiser steps: a weight of 2 found from a random start takes thousands.
   */
  inputAverageWeights?: number[];
  /** Dropout after each 3x3 conv. */
  dropout?: number;
  name?: string;
  seed?: number;
}

/**
 * The DenseNet-BC feature extractor on a symbolic input: stem conv, dense blocks whose layers are
 * BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k) with every layer's output concatenated to its input,
 * transitions BN-ReLU-Conv1x1(theta C)-AvgPool(2), then BN-ReLU and global average pooling.
 * Returned as the pooled feature vector so a head (regression, classification, covariate fusion)
 * can be put on it.
 */
export function denseNetFeatures(tf: Tf, input: SymbolicTensor, o: DenseNetOptions): SymbolicTensor {
  const dims = o.inputShape.length - 1;
  if (dims !== 2 && dims !== 3) throw new OpenBmdError('BAD_ARGUMENT', `DenseNet input must be [H, W, C] or [D, H, W, C], got [${o.inputShape.join(', ')}]`);
  const k = o.growthRate ?? 8;
  const blocks = o.blockLayers ?? [4, 4, 4];
  const theta = o.compression ?? 0.5;
  const seed = o.seed ?? 1;
  let layerIndex = 0;
  const init = (): ReturnType<Tf['initializers']['heNormal']> => tf.initializers.heNormal({ seed: seed + layerIndex++ });
  const conv = (x: SymbolicTensor, filters: number, size: number, stride = 1): SymbolicTensor => {
    const config = { filters, kernelSize: size, strides: stride, padding: 'same' as const, useBias: false, kernelInitializer: init() };
    return (dims === 2 ? tf.layers.conv2d(config) : tf.layers.conv3d(config)).apply(x) as SymbolicTensor;
  };
  const batchNorm = (x: SymbolicTensor): SymbolicTensor => batchNormNd(tf, x);
  const bnRelu = (x: SymbolicTensor): SymbolicTensor => tf.layers.activation({ activation: 'relu' }).apply(batchNorm(x)) as SymbolicTensor;
  const pool = (x: SymbolicTensor): SymbolicTensor =>
    (dims === 2 ? tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }) : tf.layers.averagePooling3d({ poolSize: 2, strides: 2 })).apply(x) as SymbolicTensor;
  let x = conv(input, o.initialFilters ?? 2 * k, 3, o.stemStride ?? 1);
  if (o.stemPool ?? false) {
    const poolConfig = { poolSize: 3, strides: 2, padding: 'same' as const };
    x = (dims === 2 ? tf.layers.maxPooling2d(poolConfig) : tf.layers.maxPooling3d(poolConfig)).apply(x) as SymbolicTensor;
  }
  let channels = o.initialFilters ?? 2 * k;
  blocks.forEach((layers, b) => {
    for (let l = 0; l < layers; l++) {
      let y = bnRelu(x);
      if (o.bottleneck ?? true) y = bnRelu(conv(y, 4 * k, 1));
      y = conv(y, k, 3);
      if ((o.dropout ?? 0) > 0) y = tf.layers.dropout({ rate: o.dropout!, seed: seed + layerIndex++ }).apply(y) as SymbolicTensor;
      x = tf.layers.concatenate({ axis: -1 }).apply([x, y]) as SymbolicTensor;
      channels += k;
    }
    if (b < blocks.length - 1) {
      channels = Math.max(1, Math.floor(theta * channels));
      x = pool(conv(bnRelu(x), channels, 1));
    }
  });
  x = bnRelu(x);
  if (dims === 2) return tf.layers.globalAveragePooling2d({}).apply(x) as SymbolicTensor;
  return globalAveragePooling3d(tf, x);
}

/** A complete DenseNet-BC: features and a dense output layer. */
export function denseNet(tf: Tf, o: DenseNetOptions): tfTypes.LayersModel {
  const input = tf.input({ shape: o.inputShape, name: 'image' });
  let features = denseNetFeatures(tf, input, o);
  if (o.inputAverageSkip ?? false) {
    const average = o.inputShape.length === 4 ? globalAveragePooling3d(tf, input) : (tf.layers.globalAveragePooling2d({}).apply(input) as SymbolicTensor);
    features = tf.layers.concatenate({ axis: -1 }).apply([features, average]) as SymbolicTensor;
  }
  const head = tf.layers.dense({
    units: o.outputs,
    activation: o.outputActivation ?? 'linear',
    kernelInitializer: tf.initializers.glorotNormal({ seed: (o.seed ?? 1) + 10_000 }),
  });
  const output = head.apply(features) as SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: o.name ?? `densenet-bc-${o.inputShape.length - 1}d` });
  if (o.inputAverageSkip === true && o.inputAverageWeights !== undefined) startFromInputAverage(tf, head, o.inputAverageWeights, o.outputs);
  return model;
}

/** Sets the head's kernel to zero on the dense features and to `weights` on the input averages (the last rows), bias zero. */
function startFromInputAverage(tf: Tf, head: tfTypes.layers.Layer, weights: readonly number[], outputs: number): void {
  const rows = head.getWeights()[0]!.shape[0]!;
  if (weights.length > rows) throw new OpenBmdError('BAD_ARGUMENT', `${weights.length} input-average weights for a head of ${rows} inputs`);
  const kernel = new Float32Array(rows * outputs);
  weights.forEach((w, c) => {
    for (let u = 0; u < outputs; u++) kernel[(rows - weights.length + c) * outputs + u] = w;
  });
  head.setWeights([tf.tensor2d(kernel, [rows, outputs]), tf.zeros([outputs])]);
}
