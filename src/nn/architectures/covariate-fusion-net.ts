import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import type { DenseNetOptions } from './densenet.js';
import { denseNetFeatures } from './densenet.js';

type Tf = TensorFlow;
type SymbolicTensor = tfTypes.SymbolicTensor;

/** Views (e.g. lumbar AP and lateral) each through its own DenseNet-BC, fused late with tabular covariates (seeds 003/004). */
export interface CovariateFusionOptions {
  /** One entry per view: its input shape; the branches share the DenseNet settings but not weights. */
  views: { name: string; inputShape: number[] }[];
  /** Number of covariates (age, sex, BMI, ... already scaled). */
  covariates: number;
  densenet?: Omit<DenseNetOptions, 'inputShape' | 'outputs'>;
  /** Units of the fusion layer. */
  hiddenUnits?: number;
  outputs: number;
  outputActivation?: 'linear' | 'sigmoid' | 'softmax';
  seed?: number;
  name?: string;
}

/**
 * Late fusion: each view's pooled DenseNet features, concatenated with the covariate vector, a
 * dense ReLU layer, and the output (which sees the covariates once more). Model inputs are the views in the given order, then the
 * covariates.
 */
export function covariateFusionNet(tf: Tf, o: CovariateFusionOptions): tfTypes.LayersModel {
  const seed = o.seed ?? 1;
  const inputs = o.views.map((v) => tf.input({ shape: v.inputShape, name: v.name }));
  const branches = inputs.map((input, i) =>
    denseNetFeatures(tf, input, { ...o.densenet, inputShape: o.views[i]!.inputShape, outputs: 0, seed: seed + 1000 * (i + 1) }),
  );
  const covariates = tf.input({ shape: [o.covariates], name: 'covariates' });
  const joined = tf.layers.concatenate({ axis: -1 }).apply([...branches, covariates]) as SymbolicTensor;
  const hidden = tf.layers
    .dense({ units: o.hiddenUnits ?? 32, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed + 9000 }) })
    .apply(joined) as SymbolicTensor;
  // The covariates also reach the output directly, so their (often near-linear) effect needs no detour through the hidden units.
  const last = tf.layers.concatenate({ axis: -1 }).apply([hidden, covariates]) as SymbolicTensor;
  const output = tf.layers
    .dense({ units: o.outputs, activation: o.outputActivation ?? 'linear', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 9001 }) })
    .apply(last) as SymbolicTensor;
  return tf.model({ inputs: [...inputs, covariates], outputs: output, name: o.name ?? 'covariate-fusion-net' });
}
