import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type SymbolicTensor = tfTypes.SymbolicTensor;

/** The layer whose output is the encoder's representation (M_E of seed 001), for a regression head. */
export const ENCODER_OUTPUT_LAYER = 'encoder_output';

/**
 * Encoder-decoder generator for image decomposition (seed 001: an X-ray decomposed into a bone or
 * proximal-femur DRR). Follows Pix2PixHD's global generator, compact: a 7x7 stem, strided 3x3
 * downsamplings doubling the maps, residual blocks (the encoder representation), transposed-conv
 * upsamplings halving them, and a 7x7 output. Sizes are parameters.
 */
export interface DecompositionGeneratorOptions {
  /** [height, width, channels]; height and width divisible by 2^downsamplings. */
  inputShape: [number, number, number];
  outputChannels?: number;
  baseFilters?: number;
  downsamplings?: number;
  residualBlocks?: number;
  /** DRR intensities are non-negative: 'relu' keeps them so; default linear. */
  outputActivation?: 'linear' | 'relu' | 'sigmoid';
  name?: string;
  seed?: number;
}

export function decompositionGenerator(tf: Tf, o: DecompositionGeneratorOptions): tfTypes.LayersModel {
  const seed = o.seed ?? 1;
  let index = 0;
  const init = (): ReturnType<Tf['initializers']['heNormal']> => tf.initializers.heNormal({ seed: seed + index++ });
  const conv = (x: SymbolicTensor, filters: number, size: number, stride = 1, name?: string): SymbolicTensor =>
    tf.layers
      .conv2d({
        filters,
        kernelSize: size,
        strides: stride,
        padding: 'same',
        useBias: false,
        kernelInitializer: init(),
        ...(name === undefined ? {} : { name }),
      })
      .apply(x) as SymbolicTensor;
  const bn = (x: SymbolicTensor, name?: string): SymbolicTensor =>
    tf.layers.batchNormalization({ momentum: 0.9, ...(name === undefined ? {} : { name }) }).apply(x) as SymbolicTensor;
  const relu = (x: SymbolicTensor): SymbolicTensor => tf.layers.activation({ activation: 'relu' }).apply(x) as SymbolicTensor;
  const base = o.baseFilters ?? 8;
  const downsamplings = o.downsamplings ?? 2;
  const input = tf.input({ shape: o.inputShape, name: 'image' });
  let x = relu(bn(conv(input, base, 7)));
  let filters = base;
  for (let d = 0; d < downsamplings; d++) {
    filters *= 2;
    x = relu(bn(conv(x, filters, 3, 2)));
  }
  const blocks = o.residualBlocks ?? 3;
  for (let r = 0; r < blocks; r++) {
    const y = bn(conv(relu(bn(conv(x, filters, 3))), filters, 3));
    x = tf.layers.add(r === blocks - 1 ? { name: ENCODER_OUTPUT_LAYER } : {}).apply([x, y]) as SymbolicTensor;
  }
  if (blocks === 0) x = tf.layers.activation({ activation: 'linear', name: ENCODER_OUTPUT_LAYER }).apply(x) as SymbolicTensor;
  for (let d = 0; d < downsamplings; d++) {
    filters /= 2;
    x = relu(
      bn(
        tf.layers
          .conv2dTranspose({ filters, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() })
          .apply(x) as SymbolicTensor,
      ),
    );
  }
  const output = tf.layers
    .conv2d({
      filters: o.outputChannels ?? 1,
      kernelSize: 7,
      padding: 'same',
      activation: o.outputActivation ?? 'linear',
      kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 5000 }),
      name: 'decomposed',
    })
    .apply(x) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: o.name ?? 'decomposition-generator' });
}

/** The generator's encoder alone (input to the representation), sharing its weights: the base of seed 001's regression network. */
export function generatorEncoder(tf: Tf, generator: tfTypes.LayersModel): tfTypes.LayersModel {
  return tf.model({ inputs: generator.inputs, outputs: generator.getLayer(ENCODER_OUTPUT_LAYER).output as SymbolicTensor, name: `${generator.name}-encoder` });
}
