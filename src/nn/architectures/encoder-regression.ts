import type * as tfTypes from '@tensorflow/tfjs';
import type { DecompositionGeneratorOptions } from './decomposition-generator.js';
import { ENCODER_OUTPUT_LAYER, decompositionGenerator } from './decomposition-generator.js';

type SymbolicTensor = tfTypes.SymbolicTensor;

/**
 * Seed 001's regression network R: the decomposition generator's encoder M_E (its input to its
 * residual representation) and a regression head M_R. The paper's head is CoAtNet's Transformer
 * blocks on the 1/4-size representation; on 2 cores a compact convolutional head stands in: one
 * strided 3x3 convolution, global average pooling, dropout and one linear output per measure.
 */
export interface EncoderRegressionOptions {
  /** The generator whose encoder is the base (its options as trained). */
  generator: DecompositionGeneratorOptions;
  headFilters: number;
  outputs: number;
  dropout: number;
  seed?: number;
}

/** The head on an encoder representation (shared layers: the encoder's weights are the generator's until copied). */
function regressionHead(tf: typeof tfTypes, representation: SymbolicTensor, o: EncoderRegressionOptions): SymbolicTensor {
  const seed = o.seed ?? 1;
  let x = tf.layers
    .conv2d({
      filters: o.headFilters,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + 7000 }),
      name: 'regression_conv',
    })
    .apply(representation) as SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9, name: 'regression_bn' }).apply(x) as SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu', name: 'regression_relu' }).apply(x) as SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'regression_pool' }).apply(x) as SymbolicTensor;
  x = tf.layers.dropout({ rate: o.dropout, seed: seed + 7001, name: 'regression_dropout' }).apply(x) as SymbolicTensor;
  return tf.layers
    .dense({ units: o.outputs, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 7002 }), name: 'regression_output' })
    .apply(x) as SymbolicTensor;
}

/** A fresh regression network (a fresh generator's encoder with the head). */
export function encoderRegression(tf: typeof tfTypes, o: EncoderRegressionOptions): tfTypes.LayersModel {
  return encoderRegressionOn(tf, decompositionGenerator(tf, o.generator), o);
}

/** The regression network on a given generator's layers: its encoder is that generator's (copy the generator first to keep it unchanged). */
export function encoderRegressionOn(tf: typeof tfTypes, generator: tfTypes.LayersModel, o: EncoderRegressionOptions): tfTypes.LayersModel {
  const representation = generator.getLayer(ENCODER_OUTPUT_LAYER).output as SymbolicTensor;
  return tf.model({ inputs: generator.inputs, outputs: regressionHead(tf, representation, o), name: 'encoder-regression' });
}
