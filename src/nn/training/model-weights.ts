import type * as tfTypes from '@tensorflow/tfjs';

/** Every weight of a model (trainable and not: batch-norm statistics too), copied to the host. */
export function readModelWeights(model: tfTypes.LayersModel): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync() as Float32Array);
}

/** Sets every weight of a model from host arrays in `model.weights` order. */
export function writeModelWeights(tf: typeof tfTypes, model: tfTypes.LayersModel, arrays: Float32Array[]): void {
  const tensors = model.weights.map((w, i) => tf.tensor(arrays[i]!, w.read().shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Number of values of each weight, for checking a checkpoint against a network. */
export function modelWeightLengths(model: tfTypes.LayersModel): number[] {
  return model.weights.map((w) => w.read().size);
}
