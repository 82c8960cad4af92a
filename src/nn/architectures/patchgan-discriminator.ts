import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type SymbolicTensor = tfTypes.SymbolicTensor;

/**
 * Multi-scale conditional PatchGAN (Pix2PixHD; seed 001's D_1..D_3): the condition (the X-ray) and
 * the image (a true or generated DRR) are concatenated; discriminator k sees them downsampled k
 * times by 3x3 average pooling. Each is a stack of 4x4 convolutions with leaky ReLU giving a map
 * of patch logits; every block's activation is also an output, for the feature-matching loss.
 */
export interface MultiScalePatchGanOptions {
  conditionShape: [number, number, number];
  imageShape: [number, number, number];
  scales?: number;
  baseFilters?: number;
  /** Strided blocks per discriminator (each halves the resolution). */
  layers?: number;
  name?: string;
  seed?: number;
}

/** The model's outputs grouped per scale: block activations (for feature matching) and the patch logits. */
export interface PatchGanOutputs<T> {
  features: T[][];
  logits: T[];
}

export function multiScalePatchGan(tf: Tf, o: MultiScalePatchGanOptions): tfTypes.LayersModel {
  const seed = o.seed ?? 1;
  let index = 0;
  const init = (): ReturnType<Tf['initializers']['randomNormal']> => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: seed + index++ });
  const condition = tf.input({ shape: o.conditionShape, name: 'condition' });
  const image = tf.input({ shape: o.imageShape, name: 'image' });
  const joined = tf.layers.concatenate({ axis: -1 }).apply([condition, image]) as SymbolicTensor;
  const base = o.baseFilters ?? 8;
  const layers = o.layers ?? 3;
  const outputs: SymbolicTensor[] = [];
  let scaled = joined;
  for (let k = 0; k < (o.scales ?? 3); k++) {
    if (k > 0) scaled = tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(scaled) as SymbolicTensor;
    let x = scaled;
    let filters = base;
    for (let l = 0; l <= layers; l++) {
      x = tf.layers
        .conv2d({ filters, kernelSize: 4, strides: l < layers ? 2 : 1, padding: 'same', kernelInitializer: init(), useBias: l === 0 })
        .apply(x) as SymbolicTensor;
      if (l > 0) x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as SymbolicTensor;
      x = tf.layers.leakyReLU({ alpha: 0.2 }).apply(x) as SymbolicTensor;
      outputs.push(x);
      filters = Math.min(filters * 2, base * 8);
    }
    outputs.push(
      tf.layers.conv2d({ filters: 1, kernelSize: 4, padding: 'same', kernelInitializer: init(), name: `patch_logits_${k + 1}` }).apply(x) as SymbolicTensor,
    );
  }
  return tf.model({ inputs: [condition, image], outputs, name: o.name ?? 'multi-scale-patchgan' });
}

/** Splits the flat output list of `multiScalePatchGan` into per-scale features and logits. */
export function groupPatchGanOutputs<T>(outputs: T[], o: Pick<MultiScalePatchGanOptions, 'scales' | 'layers'>): PatchGanOutputs<T> {
  const perScale = (o.layers ?? 3) + 2;
  const scales = o.scales ?? 3;
  const features: T[][] = [];
  const logits: T[] = [];
  for (let k = 0; k < scales; k++) {
    const group = outputs.slice(k * perScale, (k + 1) * perScale);
    features.push(group.slice(0, -1));
    logits.push(group[group.length - 1]!);
  }
  return { features, logits };
}
