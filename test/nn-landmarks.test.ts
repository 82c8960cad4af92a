// The heat-map landmark network with a spatial-configuration stage (SCN, seed 000) on the wasm
// backend: two landmarks (the centre of a disc and the centre of a square, anywhere, in noise) found
// on held-out images to a mean error under 1.5 px; and the heat-map helpers against closed forms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { heatmapPeaks, landmarkHeatmaps, spatialConfigurationNet } from '../src/nn/architectures/spatial-configuration-net.js';
import { nnBackend } from '../src/nn/nn-backend.js';

const SIZE = 32;
type Point = [number, number];

function scenes(tf: TensorFlow, n: number, random: SeededRandom): { x: tfTypes.Tensor4D; y: tfTypes.Tensor4D; points: [Point, Point][] } {
  const image = new Float32Array(n * SIZE * SIZE);
  const maps = new Float32Array(n * SIZE * SIZE * 2);
  const points: [Point, Point][] = [];
  for (let i = 0; i < n; i++) {
    let disc: Point;
    let square: Point;
    do {
      disc = [6 + 20 * random.nextFloat(), 6 + 20 * random.nextFloat()];
      square = [6 + 20 * random.nextFloat(), 6 + 20 * random.nextFloat()];
    } while (Math.hypot(disc[0] - square[0], disc[1] - square[1]) < 10);
    for (let j = 0; j < SIZE; j++) {
      for (let k = 0; k < SIZE; k++) {
        let v = 0;
        if ((k - disc[0]) ** 2 + (j - disc[1]) ** 2 <= 9) v = 1;
        if (Math.abs(k - square[0]) <= 3 && Math.abs(j - square[1]) <= 3) v = 0.6;
        image[(i * SIZE + j) * SIZE + k] = v + 0.1 * random.nextNormal();
      }
    }
    maps.set(landmarkHeatmaps([disc, square], SIZE, SIZE, 1.5), i * SIZE * SIZE * 2);
    points.push([disc, square]);
  }
  return { x: tf.tensor4d(image, [n, SIZE, SIZE, 1]), y: tf.tensor4d(maps, [n, SIZE, SIZE, 2]), points };
}

test('heat-map helpers: a Gaussian at a sub-pixel point peaks there (within 0.1 px)', () => {
  const maps = landmarkHeatmaps(
    [
      [10.3, 7.6],
      [20, 25],
    ],
    32,
    32,
    1.5,
  );
  const [a, b] = heatmapPeaks(maps, 32, 32, 2);
  assert.ok(Math.hypot(a![0] - 10.3, a![1] - 7.6) < 0.1, `peak ${a}`);
  assert.ok(Math.hypot(b![0] - 20, b![1] - 25) < 1e-9, `peak ${b}`);
});

test('SCN finds two landmarks on held-out images: mean error < 1.5 px', async () => {
  const tf = await nnBackend('wasm');
  const random = new SeededRandom(11);
  const train = scenes(tf, 256, random);
  const held = scenes(tf, 64, random);
  const model = spatialConfigurationNet(tf, { inputShape: [SIZE, SIZE, 1], landmarks: 2, baseFilters: 8, depth: 2, seed: 1 });
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'meanSquaredError' });
  const started = Date.now();
  await model.fit(train.x, train.y, { epochs: 12, batchSize: 16, shuffle: false, verbose: 0 });
  const predicted = model.predict(held.x) as tfTypes.Tensor;
  const maps = predicted.dataSync() as Float32Array;
  const errors: number[] = [];
  held.points.forEach((truth, i) => {
    heatmapPeaks(maps.subarray(i * SIZE * SIZE * 2, (i + 1) * SIZE * SIZE * 2), SIZE, SIZE, 2).forEach((p, l) =>
      errors.push(Math.hypot(p[0] - truth[l]![0], p[1] - truth[l]![1])),
    );
  });
  const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
  errors.sort((a, b) => a - b);
  console.log(
    `SCN: held-out landmark error mean ${mean.toFixed(3)} px, median ${errors[errors.length >> 1]!.toFixed(3)} px, max ${errors[errors.length - 1]!.toFixed(2)} px (${model.countParams()} parameters, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  assert.ok(mean < 1.5, `mean error ${mean} px`);
  tf.dispose([train.x, train.y, held.x, held.y, predicted]);
  model.dispose();
});
