// Stage three's regression head (seed 001's network R): the attention pooling against closed forms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { encoderRegression } from '../src/nn/architectures/encoder-regression.js';
import { nnBackend } from '../src/nn/nn-backend.js';

const generator = { inputShape: [32, 48, 2] as [number, number, number], baseFilters: 4, downsamplings: 3, residualBlocks: 1, seed: 3 };

/** The head's features (after its convolution) and its pooled vector, for one input. */
function headValues(tf: TensorFlow, network: tfTypes.LayersModel, input: tfTypes.Tensor): { features: number[][][]; pooled: number[] } {
  const probe = tf.model({
    inputs: network.inputs,
    outputs: [network.getLayer('regression_relu').output, network.getLayer('regression_pool').output] as tfTypes.SymbolicTensor[],
  });
  const [features, pooled] = probe.predict(input) as tfTypes.Tensor[];
  return { features: (features!.arraySync() as number[][][][])[0]!, pooled: (pooled!.arraySync() as number[][])[0]! };
}

test('attention pooling: starts as the plain mean over positions, and follows its scores as a softmax weighting', async () => {
  const tf = await nnBackend('cpu');
  const network = encoderRegression(tf, { generator, headFilters: 6, outputs: 3, dropout: 0.2, pooling: 'attention', seed: 5 });
  assert.deepEqual(network.outputs[0]!.shape, [null, 3]);
  const input = tf.randomUniform([1, 32, 48, 2], 0, 1, 'float32', 11);
  // The 1/8-size representation (4 x 6) is pooled at its own size: 24 positions.
  const first = headValues(tf, network, input);
  assert.equal(first.features.length, 4);
  assert.equal(first.features[0]!.length, 6);
  const positions = first.features.flat();
  for (let c = 0; c < 6; c++) {
    const mean = positions.reduce((a, p) => a + p[c]!, 0) / positions.length;
    assert.ok(Math.abs(first.pooled[c]! - mean) < 1e-5, `channel ${c}: ${first.pooled[c]} vs the mean ${mean}`);
  }
  // A score of 2 x feature 0 (bias 0): each position weighs exp(2 f0) / sum exp(2 f0).
  const score = network.getLayer('regression_attention_score');
  const kernel = new Float32Array(6);
  kernel[0] = 2;
  score.setWeights([tf.tensor4d(kernel, [1, 1, 6, 1]), tf.zeros([1])]);
  const second = headValues(tf, network, input);
  const weights = positions.map((p) => Math.exp(2 * p[0]!));
  const total = weights.reduce((a, b) => a + b, 0);
  for (let c = 0; c < 6; c++) {
    const expected = positions.reduce((a, p, i) => a + (weights[i]! / total) * p[c]!, 0);
    assert.ok(Math.abs(second.pooled[c]! - expected) < 1e-5, `channel ${c}: ${second.pooled[c]} vs ${expected}`);
  }
  // The layers serialise and rebuild (a model folder stores the topology).
  const rebuilt = await tf.models.modelFromJSON({ modelTopology: network.toJSON(null, false) as tfTypes.io.ModelJSON['modelTopology'] });
  rebuilt.setWeights(network.getWeights());
  const a = (network.predict(input) as tfTypes.Tensor).arraySync() as number[][];
  const b = (rebuilt.predict(input) as tfTypes.Tensor).arraySync() as number[][];
  a[0]!.forEach((v, k) => assert.ok(Math.abs(v - b[0]![k]!) < 1e-5));
});

test('average pooling (the default head): a strided convolution, then the plain mean', async () => {
  const tf = await nnBackend('cpu');
  const network = encoderRegression(tf, { generator, headFilters: 6, outputs: 3, dropout: 0.2, seed: 5 });
  const { features, pooled } = headValues(tf, network, tf.randomUniform([1, 32, 48, 2], 0, 1, 'float32', 12));
  assert.equal(features.length, 2);
  assert.equal(features[0]!.length, 3);
  const positions = features.flat();
  for (let c = 0; c < 6; c++) assert.ok(Math.abs(pooled[c]! - positions.reduce((a, p) => a + p[c]!, 0) / positions.length) < 1e-5);
});
