// DenseNet-BC on the wasm backend: a task a correct network and engine must solve and a broken one
// cannot (the intensity of a Gaussian blob at a random place and size, in noise, on held-out
// images: r > 0.98), and the 3-D variant's shapes and a training step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { denseNet } from '../src/nn/architectures/densenet.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { pearsonCorrelation } from '../src/stats/pearson-correlation.js';

const SIZE = 16;

function blobs(tf: TensorFlow, n: number, random: SeededRandom): { x: tfTypes.Tensor4D; y: tfTypes.Tensor2D; truth: number[] } {
  const x = new Float32Array(n * SIZE * SIZE);
  const truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = 0.2 + 0.8 * random.nextFloat();
    const cx = 4 + 8 * random.nextFloat();
    const cy = 4 + 8 * random.nextFloat();
    const s = 1.5 + 2 * random.nextFloat();
    truth.push(a);
    for (let j = 0; j < SIZE; j++)
      for (let k = 0; k < SIZE; k++) x[(i * SIZE + j) * SIZE + k] = a * Math.exp(-((k - cx) ** 2 + (j - cy) ** 2) / (2 * s * s)) + 0.05 * random.nextNormal();
  }
  return { x: tf.tensor4d(x, [n, SIZE, SIZE, 1]), y: tf.tensor2d(truth, [n, 1]), truth };
}

test('DenseNet-BC regresses a blob intensity on held-out images (r > 0.98)', async () => {
  const tf = await nnBackend('wasm');
  const random = new SeededRandom(3);
  const train = blobs(tf, 384, random);
  const held = blobs(tf, 128, random);
  const model = denseNet(tf, { inputShape: [SIZE, SIZE, 1], growthRate: 6, blockLayers: [2, 2], outputs: 1, seed: 1 });
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'meanSquaredError' });
  const started = Date.now();
  await model.fit(train.x, train.y, { epochs: 8, batchSize: 32, shuffle: false, verbose: 0 });
  const predicted = Array.from((model.predict(held.x) as tfTypes.Tensor).dataSync());
  const r = pearsonCorrelation(predicted, held.truth).r;
  console.log(
    `DenseNet-BC blob intensity: held-out r = ${r.toFixed(4)} (${model.countParams()} parameters, ${((Date.now() - started) / 1000).toFixed(1)} s for 8 epochs of 384 images)`,
  );
  assert.ok(r > 0.98, `r = ${r}`);
  tf.dispose([train.x, train.y, held.x, held.y]);
  model.dispose();
});

test('3-D DenseNet-BC: output shape and a training step that lowers the loss', async () => {
  const tf = await nnBackend('wasm');
  const model = denseNet(tf, { inputShape: [8, 12, 12, 1], growthRate: 4, blockLayers: [2, 2], outputs: 2, seed: 2 });
  model.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
  const x = tf.randomNormal([4, 8, 12, 12, 1], 0, 1, 'float32', 5);
  const y = tf.tensor2d([
    [1, -1],
    [0.5, 0],
    [-1, 1],
    [0, 0.5],
  ]);
  const out = model.predict(x) as tfTypes.Tensor;
  assert.deepEqual(out.shape, [4, 2]);
  const first = (await model.trainOnBatch(x, y)) as number;
  let last = first;
  for (let i = 0; i < 10; i++) last = (await model.trainOnBatch(x, y)) as number;
  assert.ok(last < first, `loss ${first} -> ${last}`);
  tf.dispose([x, y, out]);
  model.dispose();
});

test("the input-average path started at given weights: a fresh 3-D DenseNet-BC outputs that linear function of the input channels' means, and trains from there", async () => {
  const tf = await nnBackend('wasm');
  const model = denseNet(tf, {
    inputShape: [6, 8, 8, 2],
    growthRate: 4,
    blockLayers: [2],
    outputs: 1,
    inputAverageSkip: true,
    inputAverageWeights: [2, -1],
    seed: 3,
  });
  const random = new SeededRandom(4);
  const values = new Float32Array(3 * 6 * 8 * 8 * 2).map(() => random.nextFloat());
  const x = tf.tensor5d(values, [3, 6, 8, 8, 2]);
  const out = (await (model.predict(x) as tfTypes.Tensor).data()) as Float32Array;
  const expected: number[] = [];
  for (let b = 0; b < 3; b++) {
    let m0 = 0;
    let m1 = 0;
    for (let v = 0; v < 6 * 8 * 8; v++) {
      m0 += values[(b * 6 * 8 * 8 + v) * 2]!;
      m1 += values[(b * 6 * 8 * 8 + v) * 2 + 1]!;
    }
    expected.push((2 * m0) / 384 - m1 / 384);
    assert.ok(Math.abs(out[b]! - expected[b]!) < 1e-5, `${out[b]} vs ${expected[b]}`);
  }
  // The dense features' weights start at zero but are trained: a target off the linear function lowers the loss.
  model.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
  const y = tf.tensor2d(
    expected.map((e, i) => e + (i - 1) * 0.5),
    [3, 1],
  );
  const first = (await model.trainOnBatch(x, y)) as number;
  let last = first;
  for (let i = 0; i < 10; i++) last = (await model.trainOnBatch(x, y)) as number;
  assert.ok(last < first, `loss ${first} -> ${last}`);
  tf.dispose([x, y]);
  model.dispose();
});
