import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type Tensor = tfTypes.Tensor;

/** Per-sample mean over every axis but the first: [batch, ...] -> [batch]. */
export function perSampleMean(tf: Tf, x: Tensor): Tensor {
  return x.rank === 1 ? x : tf.mean(tf.reshape(x, [x.shape[0]!, -1]), 1);
}

/** Mean absolute error. */
export function l1Loss(tf: Tf, truth: Tensor, predicted: Tensor): tfTypes.Scalar {
  return tf.mean(tf.abs(tf.sub(truth, predicted)));
}

/** Mean squared error. */
export function mseLoss(tf: Tf, truth: Tensor, predicted: Tensor): tfTypes.Scalar {
  return tf.mean(tf.squaredDifference(truth, predicted));
}

/**
 * Sample-weighted L1 (seed 001, Eq. 11): mean over the batch of w * |y - R(x)|, the per-sample
 * error averaged over its outputs first. Weights come from `bmdSampleWeights`. With one weight per
 * output of each sample (as many weights as targets), each output is weighted on its own — seed
 * 001 weights each BMD task by its own distribution, and a weight of 0 leaves out a missing target.
 */
export function weightedL1Loss(tf: Tf, truth: Tensor, predicted: Tensor, sampleWeights: Tensor): tfTypes.Scalar {
  const error = tf.abs(tf.sub(truth, predicted));
  if (sampleWeights.size === error.size && error.rank > 1) return tf.mean(tf.mul(error, tf.reshape(sampleWeights, error.shape)));
  return tf.mean(tf.mul(perSampleMean(tf, error), tf.reshape(sampleWeights, [-1])));
}
