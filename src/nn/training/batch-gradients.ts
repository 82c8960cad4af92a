import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import type { TrainingLossName } from '../losses/training-loss.js';
import { trainingLoss } from '../losses/training-loss.js';
import type { HostBatch } from './training-data.js';

type Tf = TensorFlow;

/** The trainable variables of a layers model, in its order. */
export function trainableVariables(model: tfTypes.LayersModel): tfTypes.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tfTypes.Variable);
}

/** The batch's tensors (the caller disposes them). */
export function batchTensors(tf: Tf, batch: HostBatch): { inputs: tfTypes.Tensor[]; targets: tfTypes.Tensor; sampleWeights: tfTypes.Tensor | undefined } {
  return {
    inputs: batch.inputs.map((t) => tf.tensor(t.data, t.shape)),
    targets: tf.tensor(batch.targets.data, batch.targets.shape),
    sampleWeights: batch.sampleWeights === undefined ? undefined : tf.tensor1d(batch.sampleWeights),
  };
}

function forward(model: tfTypes.LayersModel, inputs: tfTypes.Tensor[], training: boolean): tfTypes.Tensor {
  const output = model.apply(inputs.length === 1 ? inputs[0]! : inputs, { training });
  return (Array.isArray(output) ? output[0]! : output) as tfTypes.Tensor;
}

/**
 * Loss and gradients of one batch in training mode (batch-normalisation statistics from the batch,
 * moving averages updated). Gradients come back in the order of `variables`, as tensors the caller
 * disposes.
 */
export function batchGradients(
  tf: Tf,
  model: tfTypes.LayersModel,
  variables: tfTypes.Variable[],
  loss: TrainingLossName,
  batch: HostBatch,
): { loss: number; gradients: tfTypes.Tensor[] } {
  const { inputs, targets, sampleWeights } = batchTensors(tf, batch);
  const { value, grads } = tf.variableGrads(() => trainingLoss(tf, loss, targets, forward(model, inputs, true), sampleWeights), variables);
  const lossValue = value.dataSync()[0]!;
  tf.dispose([value, ...inputs, targets, ...(sampleWeights === undefined ? [] : [sampleWeights])]);
  return { loss: lossValue, gradients: variables.map((v) => grads[v.name]!) };
}

/** Loss of one batch in inference mode (validation). */
export function batchLoss(tf: Tf, model: tfTypes.LayersModel, loss: TrainingLossName, batch: HostBatch): number {
  const { inputs, targets, sampleWeights } = batchTensors(tf, batch);
  const value = tf.tidy(() => trainingLoss(tf, loss, targets, forward(model, inputs, false), sampleWeights));
  const result = value.dataSync()[0]!;
  tf.dispose([value, ...inputs, targets, ...(sampleWeights === undefined ? [] : [sampleWeights])]);
  return result;
}
