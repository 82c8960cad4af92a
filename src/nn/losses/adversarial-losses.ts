import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type Tensor = tfTypes.Tensor;

/** Binary cross-entropy on logits, numerically stable: max(z, 0) - z y + log(1 + exp(-|z|)). */
function bceWithLogits(tf: Tf, logits: Tensor, target: 0 | 1): tfTypes.Scalar {
  const stable = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return tf.mean(stable);
}

/**
 * Discriminator side of the GAN objective (seed 001 Eq. 1), summed over the scales of a multi-scale
 * discriminator: real pairs towards 1, generated pairs towards 0. Inputs are patch logits.
 */
export function discriminatorLoss(tf: Tf, realLogits: Tensor[], fakeLogits: Tensor[]): tfTypes.Scalar {
  let total: tfTypes.Scalar = tf.scalar(0);
  realLogits.forEach((real, k) => {
    total = tf.add(total, tf.add(bceWithLogits(tf, real, 1), bceWithLogits(tf, fakeLogits[k]!, 0)));
  });
  return total;
}

/** Generator side, non-saturating form: generated pairs scored as real, summed over scales. */
export function generatorAdversarialLoss(tf: Tf, fakeLogits: Tensor[]): tfTypes.Scalar {
  return fakeLogits.reduce<tfTypes.Scalar>((total, logits) => tf.add(total, bceWithLogits(tf, logits, 1)), tf.scalar(0));
}

/**
 * Feature matching (Wang et al. 2018; seed 001 Eqs. 2-3): for each discriminator layer i, the mean
 * absolute difference (the L1 norm over its N_i elements) between its features on the real and the
 * generated pair, summed over layers. Real features are constants (no gradient flows to them).
 */
export function featureMatchingLoss(tf: Tf, realFeatures: Tensor[], fakeFeatures: Tensor[]): tfTypes.Scalar {
  return realFeatures.reduce<tfTypes.Scalar>((total, real, i) => tf.add(total, tf.mean(tf.abs(tf.sub(real, fakeFeatures[i]!)))), tf.scalar(0));
}
