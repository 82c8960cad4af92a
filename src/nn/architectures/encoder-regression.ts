import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import type { DecompositionGeneratorOptions } from './decomposition-generator.js';
import { ENCODER_OUTPUT_LAYER, decompositionGenerator } from './decomposition-generator.js';

type SymbolicTensor = tfTypes.SymbolicTensor;

export type RegressionPooling = 'average' | 'attention';

/**
 * Seed 001's regression network R: the decomposition generator's encoder M_E (its input to its
 * residual representation) and a regression head M_R. The paper's head is CoAtNet's Transformer
 * blocks on the 1/4-size representation; on 2 cores a compact convolutional head stands in: one
 * 3x3 convolution, a pooling over positions, dropout and one linear output per measure.
 */
export interface EncoderRegressionOptions {
  /** The generator whose encoder is the base (its options as trained). */
  generator: DecompositionGeneratorOptions;
  headFilters: number;
  outputs: number;
  dropout: number;
  /**
   * `average` (default): a strided convolution, then the mean over every position. `attention`:
   * a convolution at the representation's own size, then a mean weighted by a learned softmax over
   * positions (one 1x1 convolution scores each; its kernel starts at zero, so training starts from
   * the plain mean): the bone a measure is of fills a small part of the field, and attention is
   * what lets the paper's Transformer head look there.
   */
  pooling?: RegressionPooling;
  seed?: number;
}

/** The head's layers are named `regression_*`; every other layer is the encoder's. */
export function isRegressionHeadLayer(layerName: string): boolean {
  return layerName.startsWith('regression_');
}

/** The head on an encoder representation (shared layers: the encoder's weights are the generator's until copied). */
function regressionHead(tf: TensorFlow, representation: SymbolicTensor, o: EncoderRegressionOptions): SymbolicTensor {
  const seed = o.seed ?? 1;
  const attention = o.pooling === 'attention';
  let x = tf.layers
    .conv2d({
      filters: o.headFilters,
      kernelSize: 3,
      strides: attention ? 1 : 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + 7000 }),
      name: 'regression_conv',
    })
    .apply(representation) as SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9, name: 'regression_bn' }).apply(x) as SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu', name: 'regression_relu' }).apply(x) as SymbolicTensor;
  x = attention ? attentionPooling(tf, x, o.headFilters) : (tf.layers.globalAveragePooling2d({ name: 'regression_pool' }).apply(x) as SymbolicTensor);
  x = tf.layers.dropout({ rate: o.dropout, seed: seed + 7001, name: 'regression_dropout' }).apply(x) as SymbolicTensor;
  return tf.layers
    .dense({ units: o.outputs, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 7002 }), name: 'regression_output' })
    .apply(x) as SymbolicTensor;
}

/** The features' mean over positions, each weighted by a softmax of a learned 1x1 score (the weights sum to one). */
function attentionPooling(tf: TensorFlow, features: SymbolicTensor, filters: number): SymbolicTensor {
  const [, rows, columns] = features.shape;
  if (rows === null || rows === undefined || columns === null || columns === undefined)
    throw new OpenBmdError('BAD_MODEL', 'attention pooling needs a fixed input size');
  const positions = rows * columns;
  const score = tf.layers
    .conv2d({ filters: 1, kernelSize: 1, kernelInitializer: 'zeros', name: 'regression_attention_score' })
    .apply(features) as SymbolicTensor;
  const flatScore = tf.layers.reshape({ targetShape: [positions], name: 'regression_attention_flat' }).apply(score) as SymbolicTensor;
  const weight = tf.layers.softmax({ axis: -1, name: 'regression_attention_weight' }).apply(flatScore) as SymbolicTensor;
  const flatFeatures = tf.layers.reshape({ targetShape: [positions, filters], name: 'regression_attention_features' }).apply(features) as SymbolicTensor;
  return tf.layers.dot({ axes: [1, 1], name: 'regression_pool' }).apply([weight, flatFeatures]) as SymbolicTensor;
}

/** A fresh regression network (a fresh generator's encoder with the head). */
export function encoderRegression(tf: TensorFlow, o: EncoderRegressionOptions): tfTypes.LayersModel {
  return encoderRegressionOn(tf, decompositionGenerator(tf, o.generator), o);
}

/** The regression network on a given generator's layers: its encoder is that generator's (copy the generator first to keep it unchanged). */
export function encoderRegressionOn(tf: TensorFlow, generator: tfTypes.LayersModel, o: EncoderRegressionOptions): tfTypes.LayersModel {
  const representation = generator.getLayer(ENCODER_OUTPUT_LAYER).output as SymbolicTensor;
  return tf.model({ inputs: generator.inputs, outputs: regressionHead(tf, representation, o), name: 'encoder-regression' });
}
