// Precise batch-normalisation statistics: the moving mean and variance become the average of the
// passes' batch mean and (biased) variance, computed here from the samples each pass was given;
// inference then normalises by them in closed form; the layer's momentum is left as it was; and in
// a training run the validation loss is measured with them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { preciseBatchNormStatistics } from '../src/nn/training/batch-norm-statistics.js';
import type { TrainingData } from '../src/nn/training/training-data.js';
import { trainNetwork } from '../src/nn/training/train-network.js';

const FEATURES = 3;

/** Sample i's features: different means and spreads per feature, not symmetric. */
function sample(i: number): number[] {
  return [Math.sin(i * 1.3) * 2 + 5, (i % 7) * 0.5 - 1, Math.cos(i * 0.7) ** 3 * 4 + 0.25 * i];
}

function recordingData(count: number, requested: number[][]): TrainingData {
  return {
    count,
    batch(indices) {
      requested.push([...indices]);
      const data = new Float32Array(indices.flatMap((i) => sample(i)));
      return { inputs: [{ data, shape: [indices.length, FEATURES] }], targets: { data: new Float32Array(indices.length), shape: [indices.length, 1] } };
    },
  };
}

function batchNormModel(tf: TensorFlow): tfTypes.LayersModel {
  const input = tf.input({ shape: [FEATURES] });
  const output = tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 }).apply(input) as tfTypes.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

test('precise BN statistics are the mean of the passes batch means and biased variances; inference normalises by them', async () => {
  const tf = await nnBackend('cpu');
  const model = batchNormModel(tf);
  const requested: number[][] = [];
  const passes = preciseBatchNormStatistics(tf, model, recordingData(50, requested), { samples: 40, batchSize: 16, seed: 3 });
  assert.equal(passes, 2, '40 samples in passes of 16: two passes');
  assert.equal(requested.length, 2);
  assert.ok(requested.every((b) => b.length === 16));
  assert.equal(new Set(requested.flat()).size, 32, 'no sample twice');
  const expectedMean = Array.from({ length: FEATURES }, () => 0);
  const expectedVariance = Array.from({ length: FEATURES }, () => 0);
  for (const indices of requested) {
    for (let f = 0; f < FEATURES; f++) {
      const values = indices.map((i) => sample(i)[f]!);
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      expectedMean[f]! += m / requested.length;
      expectedVariance[f]! += values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length / requested.length;
    }
  }
  const layer = model.layers[1]!;
  const [, , movingMean, movingVariance] = layer.getWeights().map((w) => Array.from(w.dataSync()));
  for (let f = 0; f < FEATURES; f++) {
    assert.ok(Math.abs(movingMean![f]! - expectedMean[f]!) < 1e-4, `mean ${f}: ${movingMean![f]} vs ${expectedMean[f]}`);
    assert.ok(Math.abs(movingVariance![f]! / expectedVariance[f]! - 1) < 1e-4, `variance ${f}: ${movingVariance![f]} vs ${expectedVariance[f]}`);
  }
  assert.equal((layer.getConfig() as { momentum?: number }).momentum, 0.99, 'momentum restored');
  const x = sample(45);
  const y = Array.from((model.predict(tf.tensor2d([x])) as tfTypes.Tensor).dataSync());
  for (let f = 0; f < FEATURES; f++) {
    const expected = (x[f]! - expectedMean[f]!) / Math.sqrt(expectedVariance[f]! + 1e-3);
    assert.ok(Math.abs(y[f]! - expected) < 1e-4, `inference ${f}: ${y[f]} vs ${expected}`);
  }
  model.dispose();
});

test('precise BN: a network without batch normalisation, or too few samples for a pass, is left unchanged', async () => {
  const tf = await nnBackend('cpu');
  const input = tf.input({ shape: [FEATURES] });
  const dense = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tfTypes.SymbolicTensor });
  assert.equal(preciseBatchNormStatistics(tf, dense, recordingData(10, []), { samples: 10, batchSize: 4, seed: 1 }), 0);
  const model = batchNormModel(tf);
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  assert.equal(preciseBatchNormStatistics(tf, model, recordingData(1, []), { samples: 10, batchSize: 4, seed: 1 }), 0);
  assert.deepEqual(
    model.getWeights().map((w) => Array.from(w.dataSync())),
    before,
  );
  dense.dispose();
  model.dispose();
});

test('training with precise BN: the validation loss of each epoch is measured with re-estimated statistics', async () => {
  const tf = await nnBackend('cpu');
  // Targets: the standardised first feature; the network is BN then a dense layer.
  const count = 64;
  const values = Array.from({ length: count }, (_, i) => sample(i));
  const mean0 = values.reduce((a, v) => a + v[0]!, 0) / count;
  const sd0 = Math.sqrt(values.reduce((a, v) => a + (v[0]! - mean0) ** 2, 0) / count);
  const data: TrainingData = {
    count,
    batch(indices) {
      return {
        inputs: [{ data: new Float32Array(indices.flatMap((i) => values[i]!)), shape: [indices.length, FEATURES] }],
        targets: { data: new Float32Array(indices.map((i) => (values[i]![0]! - mean0) / sd0)), shape: [indices.length, 1] },
      };
    },
  };
  const build = (): tfTypes.LayersModel => {
    const input = tf.input({ shape: [FEATURES] });
    const normalised = tf.layers.batchNormalization({ momentum: 0.99 }).apply(input) as tfTypes.SymbolicTensor;
    const output = tf.layers.dense({ units: 1, kernelInitializer: 'zeros' }).apply(normalised) as tfTypes.SymbolicTensor;
    return tf.model({ inputs: input, outputs: output });
  };
  const run = async (precise: boolean): Promise<number> => {
    const model = build();
    const result = await trainNetwork(tf, model, data, {
      label: 'bn',
      loss: 'mse',
      epochs: 3,
      batchSize: 8,
      seed: 2,
      schedule: { maxLearningRate: 0.05, minLearningRate: 1e-3, firstPeriodEpochs: 3, warmupEpochs: 0 },
      validation: data,
      write: () => undefined,
      ...(precise ? { preciseBatchNorm: { samples: 64, batchSize: 32 } } : {}),
    });
    model.dispose();
    return result.history.at(-1)!.validationLoss!;
  };
  // 24 steps at momentum 0.99 leave the moving statistics near their start (mean 0, variance 1),
  // far from the features' (means 5, 0.5 and ~8): the trailing statistics mislead inference.
  const trailing = await run(false);
  const precise = await run(true);
  assert.ok(precise < 0.2, `validation loss with precise statistics ${precise}`);
  assert.ok(trailing > 3 * precise, `trailing statistics ${trailing} vs precise ${precise}`);
});
