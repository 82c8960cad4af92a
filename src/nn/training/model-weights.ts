import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';

/** Every weight of a model (trainable and not: batch-norm statistics too), copied to the host. */
export function readModelWeights(model: tfTypes.LayersModel): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync() as Float32Array);
}

/** Sets every weight of a model from host arrays in `model.weights` order. */
export function writeModelWeights(tf: TensorFlow, model: tfTypes.LayersModel, arrays: Float32Array[]): void {
  const tensors = model.weights.map((w, i) => tf.tensor(arrays[i]!, w.read().shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Number of values of each weight, for checking a checkpoint against a network. */
export function modelWeightLengths(model: tfTypes.LayersModel): number[] {
  return model.weights.map((w) => w.read().size);
}

/** Starts `to` from `from`'s weights (fine-tuning); refuses when the two architectures differ. */
export function copyModelWeights(tf: TensorFlow, from: tfTypes.LayersModel, to: tfTypes.LayersModel, name: string): void {
  if (JSON.stringify(modelWeightLengths(from)) !== JSON.stringify(modelWeightLengths(to))) {
    throw new OpenBmdError('BAD_MODEL', `the ${name} network to fine-tune has another architecture than this version of openbmd builds`);
  }
  writeModelWeights(tf, to, readModelWeights(from));
}
