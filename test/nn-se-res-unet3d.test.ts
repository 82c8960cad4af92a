// The 3-D pieces of seed 002's segmentation network: the conv3dTranspose gradient openbmd registers
// (tfjs has none) against central finite differences, and the SE residual 3-D U-Net trained on balls
// in Gaussian noise, scored on held-out volumes with the thresholded Dice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { seResUNet3d } from '../src/nn/architectures/se-res-unet3d.js';
import { nnBackend } from '../src/nn/nn-backend.js';

test('conv3dTranspose gradients (dy and filter, stride 2) match central finite differences, on cpu and wasm', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    const tf = await nnBackend(backend);
    const random = new SeededRandom(3);
    const dyValues = Float64Array.from({ length: 1 * 3 * 2 * 3 * 2 }, () => random.nextNormal());
    const wValues = Float64Array.from({ length: 2 * 2 * 2 * 3 * 2 }, () => random.nextNormal());
    const probe = Float64Array.from({ length: 1 * 6 * 4 * 6 * 3 }, () => random.nextNormal());
    // f(dy, W) = sum(probe * conv3dTranspose(dy, W)): a scalar whose gradients are the ones to check.
    const f = (dy: tfTypes.Tensor, w: tfTypes.Tensor): tfTypes.Scalar =>
      tf.sum(
        tf.mul(
          tf.tensor(Float32Array.from(probe), [1, 6, 4, 6, 3]),
          tf.conv3dTranspose(dy as tfTypes.Tensor5D, w as tfTypes.Tensor5D, [1, 6, 4, 6, 3], 2, 'same'),
        ),
      );
    const dy = tf.tensor(Float32Array.from(dyValues), [1, 3, 2, 3, 2]);
    const w = tf.tensor(Float32Array.from(wValues), [2, 2, 2, 3, 2]);
    const [gDy, gW] = tf
      .grads(f)([dy, w])
      .map((g) => g.dataSync());
    const numeric = (values: Float64Array, which: 0 | 1, index: number): number => {
      const h = 1e-2;
      const at = (delta: number): number => {
        const shifted = Float32Array.from(values);
        shifted[index] = shifted[index]! + delta;
        const a = which === 0 ? tf.tensor(shifted, [1, 3, 2, 3, 2]) : dy;
        const b = which === 1 ? tf.tensor(shifted, [2, 2, 2, 3, 2]) : w;
        return f(a, b).dataSync()[0]!;
      };
      return (at(h) - at(-h)) / (2 * h);
    };
    let maxDiff = 0;
    for (let i = 0; i < dyValues.length; i++) maxDiff = Math.max(maxDiff, Math.abs(gDy![i]! - numeric(dyValues, 0, i)));
    for (let i = 0; i < wValues.length; i++) maxDiff = Math.max(maxDiff, Math.abs(gW![i]! - numeric(wValues, 1, i)));
    // f is linear in each argument, so central differences are exact up to float32 rounding.
    assert.ok(maxDiff < 2e-3, `${backend}: max difference ${maxDiff}`);
    tf.dispose([dy, w]);
  }
});

const SIZE = 16;

function balls(tf: TensorFlow, n: number, random: SeededRandom): { x: tfTypes.Tensor5D; y: tfTypes.Tensor5D } {
  const voxels = SIZE ** 3;
  const image = new Float32Array(n * voxels);
  const mask = new Float32Array(n * voxels);
  for (let i = 0; i < n; i++) {
    const c = [4 + 8 * random.nextFloat(), 4 + 8 * random.nextFloat(), 4 + 8 * random.nextFloat()];
    const radius = 2.5 + 2 * random.nextFloat();
    for (let z = 0; z < SIZE; z++) {
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const p = i * voxels + (z * SIZE + y) * SIZE + x;
          if ((x - c[0]!) ** 2 + (y - c[1]!) ** 2 + (z - c[2]!) ** 2 <= radius * radius) mask[p] = 1;
          image[p] = 0.5 * mask[p]! + 0.2 * random.nextNormal();
        }
      }
    }
  }
  return { x: tf.tensor5d(image, [n, SIZE, SIZE, SIZE, 1]), y: tf.tensor5d(mask, [n, SIZE, SIZE, SIZE, 1]) };
}

test('SE residual 3-D U-Net segments balls from noise: held-out Dice > 0.9', async () => {
  const tf = await nnBackend('wasm');
  const random = new SeededRandom(11);
  const train = balls(tf, 96, random);
  const held = balls(tf, 24, random);
  const model = seResUNet3d(tf, { inputShape: [SIZE, SIZE, SIZE, 1], classes: 1, baseFilters: 6, encoderFilters: [8, 12], seed: 2 });
  const softDice = (truth: tfTypes.Tensor, predicted: tfTypes.Tensor): tfTypes.Tensor =>
    tf.tidy(() => tf.sub(1, tf.div(tf.add(tf.mul(2, tf.sum(tf.mul(truth, predicted))), 1), tf.add(tf.add(tf.sum(truth), tf.sum(predicted)), 1))));
  model.compile({ optimizer: tf.train.adam(1e-2), loss: softDice });
  const started = Date.now();
  await model.fit(train.x, train.y, { epochs: 8, batchSize: 8, shuffle: false, verbose: 0 });
  const predicted = model.predict(held.x) as tfTypes.Tensor;
  const [overlap, predictedVolume, trueVolume] = tf
    .tidy(() => {
      const binary = tf.cast(tf.greater(predicted, 0.5), 'float32');
      return [tf.sum(tf.mul(binary, held.y)), tf.sum(binary), tf.sum(held.y)];
    })
    .map((t) => t.dataSync()[0]!);
  const dice = (2 * overlap!) / (predictedVolume! + trueVolume!);
  console.log(`SE residual 3-D U-Net: held-out Dice ${dice.toFixed(4)} (${model.countParams()} parameters, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  tf.dispose([train.x, train.y, held.x, held.y, predicted]);
  model.dispose();
  assert.ok(dice > 0.9, `Dice ${dice}`);
});
