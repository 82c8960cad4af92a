// Batch inference: 1,000 predictions through a DenseNet-BC leave the tensor and byte counts where
// they were, and give the same outputs as one whole-set predict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { denseNet } from '../src/nn/architectures/densenet.js';
import { predictInBatches } from '../src/nn/inference.js';
import { nnBackend } from '../src/nn/nn-backend.js';

test('1,000 batched predictions: no tensor leak, same outputs as a whole-set predict', async () => {
  const tf = await nnBackend('wasm');
  const model = denseNet(tf, { inputShape: [16, 16, 1], growthRate: 4, blockLayers: [2, 2], outputs: 2, seed: 4 });
  const random = new SeededRandom(9);
  const count = 1000;
  const images = Float32Array.from({ length: count * 256 }, () => random.nextNormal());
  // Warm-up, so lazily created weights and kernels are not counted as a leak.
  predictInBatches(tf, model, 4, (start, size) => tf.tensor4d(images.subarray(start * 256, (start + size) * 256), [size, 16, 16, 1]), 4);
  const before = tf.memory();
  const outputs = predictInBatches(tf, model, count, (start, size) => tf.tensor4d(images.subarray(start * 256, (start + size) * 256), [size, 16, 16, 1]), 32);
  const after = tf.memory();
  assert.equal(outputs.length, count);
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
  const whole = tf.tidy(() => model.predict(tf.tensor4d(images.subarray(0, 100 * 256), [100, 16, 16, 1])) as tfTypes.Tensor);
  const expected = whole.dataSync();
  whole.dispose();
  for (let i = 0; i < 100; i++) for (let k = 0; k < 2; k++) assert.ok(Math.abs(outputs[i]![k]! - expected[i * 2 + k]!) < 1e-5);
  model.dispose();
});
