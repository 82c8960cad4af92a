// U-Net and attention U-Net on the wasm backend, trained with a soft Dice loss: a task a correct
// network and engine must solve and a broken one cannot (one to three discs of random place and size
// in Gaussian noise, SNR 2.5 per pixel), scored on held-out images with the thresholded Dice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { uNet } from '../src/nn/architectures/unet.js';
import { nnBackend } from '../src/nn/nn-backend.js';

const SIZE = 32;

function discs(tf: TensorFlow, n: number, random: SeededRandom): { x: tfTypes.Tensor4D; y: tfTypes.Tensor4D } {
  const image = new Float32Array(n * SIZE * SIZE);
  const mask = new Float32Array(n * SIZE * SIZE);
  for (let i = 0; i < n; i++) {
    const count = 1 + random.nextInt(3);
    for (let d = 0; d < count; d++) {
      const cx = 5 + 22 * random.nextFloat();
      const cy = 5 + 22 * random.nextFloat();
      const radius = 3.5 + 3 * random.nextFloat();
      for (let j = 0; j < SIZE; j++) for (let k = 0; k < SIZE; k++) if ((k - cx) ** 2 + (j - cy) ** 2 <= radius * radius) mask[(i * SIZE + j) * SIZE + k] = 1;
    }
    for (let p = 0; p < SIZE * SIZE; p++) image[i * SIZE * SIZE + p] = 0.5 * mask[i * SIZE * SIZE + p]! + 0.2 * random.nextNormal();
  }
  return { x: tf.tensor4d(image, [n, SIZE, SIZE, 1]), y: tf.tensor4d(mask, [n, SIZE, SIZE, 1]) };
}

async function trainAndScore(attentionGates: boolean): Promise<number> {
  const tf = await nnBackend('wasm');
  const random = new SeededRandom(7);
  const train = discs(tf, 256, random);
  const held = discs(tf, 64, random);
  const model = uNet(tf, { inputShape: [SIZE, SIZE, 1], classes: 1, baseFilters: 8, depth: 2, attentionGates, seed: 1 });
  const softDice = (truth: tfTypes.Tensor, predicted: tfTypes.Tensor): tfTypes.Tensor =>
    tf.tidy(() => tf.sub(1, tf.div(tf.add(tf.mul(2, tf.sum(tf.mul(truth, predicted))), 1), tf.add(tf.add(tf.sum(truth), tf.sum(predicted)), 1))));
  model.compile({ optimizer: tf.train.adam(1e-2), loss: softDice });
  const started = Date.now();
  await model.fit(train.x, train.y, { epochs: 10, batchSize: 16, shuffle: false, verbose: 0 });
  const predicted = model.predict(held.x) as tfTypes.Tensor;
  const [overlap, predictedArea, trueArea] = tf
    .tidy(() => {
      const binary = tf.cast(tf.greater(predicted, 0.5), 'float32');
      return [tf.sum(tf.mul(binary, held.y)), tf.sum(binary), tf.sum(held.y)];
    })
    .map((t) => t.dataSync()[0]!);
  const dice = (2 * overlap!) / (predictedArea! + trueArea!);
  console.log(
    `${attentionGates ? 'attention U-Net' : 'U-Net'}: held-out Dice ${dice.toFixed(4)} (${model.countParams()} parameters, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  tf.dispose([train.x, train.y, held.x, held.y, predicted]);
  model.dispose();
  return dice;
}

test('U-Net segments discs from noise: held-out Dice > 0.95', async () => {
  const dice = await trainAndScore(false);
  assert.ok(dice > 0.95, `Dice ${dice}`);
});

test('attention U-Net (gated skips) segments discs from noise: held-out Dice > 0.95', async () => {
  const dice = await trainAndScore(true);
  assert.ok(dice > 0.95, `Dice ${dice}`);
});
