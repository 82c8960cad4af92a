import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type SymbolicTensor = tfTypes.SymbolicTensor;

/**
 * Batch normalisation of a 2-D or 3-D feature map. tfjs-layers normalises up to rank 4, so a 3-D
 * map has its depth folded into its height first (per-channel statistics are unchanged).
 */
export function batchNormNd(tf: Tf, x: SymbolicTensor): SymbolicTensor {
  if (x.shape.length <= 4) return tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as SymbolicTensor;
  const [, d, h, w, c] = x.shape as [null, number, number, number, number];
  const folded = tf.layers.reshape({ targetShape: [d * h, w, c] }).apply(x) as SymbolicTensor;
  return tf.layers.reshape({ targetShape: [d, h, w, c] }).apply(tf.layers.batchNormalization({ momentum: 0.9 }).apply(folded)) as SymbolicTensor;
}

/** Global average pooling of a 3-D feature map to [batch, channels] (tfjs-layers has no 3-D global pooling). */
export function globalAveragePooling3d(tf: Tf, x: SymbolicTensor): SymbolicTensor {
  const channels = x.shape[x.shape.length - 1] as number;
  return tf.layers.globalAveragePooling1d({}).apply(tf.layers.reshape({ targetShape: [-1, channels] }).apply(x)) as SymbolicTensor;
}
