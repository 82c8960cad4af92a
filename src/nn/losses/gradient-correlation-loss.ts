import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;
type Tensor = tfTypes.Tensor;

/** Normalised cross-correlation of two [batch, ...] tensors, per sample. */
function normalisedCrossCorrelation(tf: Tf, a: Tensor, b: Tensor): Tensor {
  const flatA = tf.reshape(a, [a.shape[0]!, -1]);
  const flatB = tf.reshape(b, [b.shape[0]!, -1]);
  const centredA = tf.sub(flatA, tf.mean(flatA, 1, true));
  const centredB = tf.sub(flatB, tf.mean(flatB, 1, true));
  const numerator = tf.sum(tf.mul(centredA, centredB), 1);
  const denominator = tf.sqrt(tf.add(tf.mul(tf.sum(tf.square(centredA), 1), tf.sum(tf.square(centredB), 1)), 1e-12));
  return tf.div(numerator, denominator);
}

/** Forward differences of [batch, height, width, channels] along x (columns) and y (rows). */
export function imageGradients(tf: Tf, image: Tensor): { dx: Tensor; dy: Tensor } {
  const [n, h, w, c] = image.shape as [number, number, number, number];
  const dx = tf.sub(tf.slice(image, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(image, [0, 0, 0, 0], [n, h, w - 1, c]));
  const dy = tf.sub(tf.slice(image, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(image, [0, 0, 0, 0], [n, h - 1, w, c]));
  return { dx, dy };
}

/**
 * Gradient correlation (Penney et al. 1998; seed 001 Eq. 6), GC = NCC(dx T, dx P) + NCC(dy T, dy P),
 * in [-2, 2]. The loss is 1 - GC / 2 averaged over the batch: 0 when the structures' edges agree.
 */
export function gradientCorrelation(tf: Tf, truth: Tensor, predicted: Tensor): Tensor {
  const t = imageGradients(tf, truth);
  const p = imageGradients(tf, predicted);
  return tf.add(normalisedCrossCorrelation(tf, t.dx, p.dx), normalisedCrossCorrelation(tf, t.dy, p.dy));
}

export function gradientCorrelationLoss(tf: Tf, truth: Tensor, predicted: Tensor): tfTypes.Scalar {
  return tf.sub(1, tf.div(tf.mean(gradientCorrelation(tf, truth, predicted)), 2));
}
