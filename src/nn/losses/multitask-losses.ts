import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type Tensor = tfTypes.Tensor;

/**
 * Regression and classification heads trained together (seeds 003 and 004: aBMDs and the WHO
 * classes from one network). The network's outputs are `regressions` values, then `classes` logits;
 * the truth is [values, masks (1 where the value is known), one-hot classes (all 0 when unknown)],
 * so a cohort without one of the truths still trains the others. Loss = masked mean |error| of the
 * values + `classWeight` * mean softmax cross-entropy over the rows with a class.
 */
export function maskedL1AndSoftmaxLoss(
  tf: Tf,
  truth: Tensor,
  predicted: Tensor,
  o: { regressions: number; classes: number; classWeight: number },
): tfTypes.Scalar {
  return tf.tidy(() => {
    const r = o.regressions;
    const values = tf.slice(truth, [0, 0], [-1, r]);
    const masks = tf.slice(truth, [0, r], [-1, r]);
    const oneHot = tf.slice(truth, [0, 2 * r], [-1, o.classes]);
    const predictedValues = tf.slice(predicted, [0, 0], [-1, r]);
    const logits = tf.slice(predicted, [0, r], [-1, o.classes]);
    const l1 = tf.div(tf.sum(tf.mul(tf.abs(tf.sub(values, predictedValues)), masks)), tf.maximum(tf.sum(masks), 1));
    const crossEntropy = tf.div(tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)))), tf.maximum(tf.sum(oneHot), 1));
    return tf.add(l1, tf.mul(crossEntropy, o.classWeight)) as tfTypes.Scalar;
  });
}
