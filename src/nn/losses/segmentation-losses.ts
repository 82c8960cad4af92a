import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type Tensor = tfTypes.Tensor;

/** Probabilities are kept away from 0 and 1 before the logarithm. */
const PROBABILITY_FLOOR = 1e-7;

/**
 * Cross-entropy on probabilities: binary (one channel, sigmoid output) or categorical (the last axis
 * holds a softmax over classes, truth one-hot). Averaged over pixels and batch.
 */
export function crossEntropyLoss(tf: Tf, truth: Tensor, probabilities: Tensor): tfTypes.Scalar {
  const p = tf.clipByValue(probabilities, PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR);
  const channels = p.shape[p.rank - 1] ?? 1;
  if (channels === 1) {
    const positive = tf.mul(truth, tf.log(p));
    const negative = tf.mul(tf.sub(1, truth), tf.log(tf.sub(1, p)));
    return tf.neg(tf.mean(tf.add(positive, negative))) as tfTypes.Scalar;
  }
  return tf.neg(tf.mean(tf.sum(tf.mul(truth, tf.log(p)), -1))) as tfTypes.Scalar;
}

/**
 * Soft Dice loss, 1 - mean over samples and channels of (2 |A.B| + s) / (|A| + |B| + s), with the
 * sums over space. The smoothing s keeps empty masks defined.
 */
export function diceLoss(tf: Tf, truth: Tensor, probabilities: Tensor, smoothing = 1): tfTypes.Scalar {
  const spatialAxes = Array.from({ length: truth.rank - 2 }, (_, i) => i + 1);
  const intersection = tf.sum(tf.mul(truth, probabilities), spatialAxes);
  const total = tf.add(tf.sum(truth, spatialAxes), tf.sum(probabilities, spatialAxes));
  const dice = tf.div(tf.add(tf.mul(intersection, 2), smoothing), tf.add(total, smoothing));
  return tf.sub(1, tf.mean(dice));
}

/**
 * Heat-map regression loss of the SCN (Payer et al. 2019): the squared difference to the Gaussian
 * target summed over each heat map, averaged over landmarks and batch, so a heat map counts by its
 * peak and not by the share of the image it covers.
 */
export function heatmapLoss(tf: Tf, truth: Tensor, predicted: Tensor): tfTypes.Scalar {
  const spatialAxes = Array.from({ length: truth.rank - 2 }, (_, i) => i + 1);
  return tf.mean(tf.sum(tf.squaredDifference(truth, predicted), spatialAxes));
}
