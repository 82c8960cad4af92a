// The decomposition GAN of seed 001 on a task a working generator, discriminator and loss set must
// solve: an "X-ray" is a bone layer (discs of random size and density) plus smooth soft tissue and
// noise; the target "DRR" is the bone layer alone. After training with L1 + gradient correlation +
// multi-scale feature matching + adversarial losses, the held-out decomposition must be far closer
// to the bone layer than the input is, the gradient correlation must have grown, and every loss
// term must have been active. An interrupted run resumes from its checkpoint to identical weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { decompositionGenerator, generatorEncoder } from '../src/nn/architectures/decomposition-generator.js';
import { groupPatchGanOutputs, multiScalePatchGan } from '../src/nn/architectures/patchgan-discriminator.js';
import { gradientCorrelation } from '../src/nn/losses/gradient-correlation-loss.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { trainDecompositionGan } from '../src/nn/training/decomposition-gan.js';
import type { TrainingData } from '../src/nn/training/training-data.js';
import { tempDir } from './helpers/temp-dir.js';

const SIZE = 32;

function layers(n: number, seed: number): { xray: Float32Array; bone: Float32Array } {
  const random = new SeededRandom(seed);
  const xray = new Float32Array(n * SIZE * SIZE);
  const bone = new Float32Array(n * SIZE * SIZE);
  for (let s = 0; s < n; s++) {
    const discs = Array.from({ length: 1 + random.nextInt(2) }, () => ({
      x: 6 + 20 * random.nextFloat(),
      y: 6 + 20 * random.nextFloat(),
      r: 3 + 4 * random.nextFloat(),
      density: 0.4 + 0.6 * random.nextFloat(),
    }));
    const tissue = { a: 0.3 + 0.4 * random.nextFloat(), fx: random.nextFloat() * 0.3, fy: random.nextFloat() * 0.3, phase: random.nextFloat() * 6 };
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const i = s * SIZE * SIZE + y * SIZE + x;
        const b = discs.reduce((sum, d) => sum + (Math.hypot(x - d.x, y - d.y) < d.r ? d.density : 0), 0);
        bone[i] = b;
        xray[i] = b + (tissue.a * (1 + Math.sin(tissue.fx * x + tissue.fy * y + tissue.phase))) / 2 + 0.03 * random.nextNormal();
      }
    }
  }
  return { xray, bone };
}

test('decomposition generator + multi-scale PatchGAN learn to separate bone from soft tissue (seed 001 losses)', async () => {
  const tf = await nnBackend('wasm');
  const train = layers(192, 1);
  const held = layers(48, 2);
  const generator = decompositionGenerator(tf, { inputShape: [SIZE, SIZE, 1], baseFilters: 8, downsamplings: 2, residualBlocks: 2, seed: 1 });
  const discriminatorOptions = { scales: 2, layers: 2 };
  const discriminator = multiScalePatchGan(tf, {
    conditionShape: [SIZE, SIZE, 1],
    imageShape: [SIZE, SIZE, 1],
    baseFilters: 8,
    ...discriminatorOptions,
    seed: 2,
  });
  // Shapes: the encoder stops at 1/4 resolution; each scale gives layers + 1 feature maps and one logit map.
  assert.deepEqual(generatorEncoder(tf, generator).outputs[0]!.shape, [null, SIZE / 4, SIZE / 4, 32]);
  const outputs = groupPatchGanOutputs(discriminator.outputs, discriminatorOptions);
  assert.equal(outputs.features[0]!.length, 3);
  assert.deepEqual(
    outputs.logits.map((l) => l.shape),
    [
      [null, SIZE / 4, SIZE / 4, 1],
      [null, SIZE / 8, SIZE / 8, 1],
    ],
  );

  const data: TrainingData = {
    count: 192,
    batch: (indices) => {
      const x = new Float32Array(indices.length * SIZE * SIZE);
      const y = new Float32Array(indices.length * SIZE * SIZE);
      indices.forEach((k, b) => {
        x.set(train.xray.subarray(k * SIZE * SIZE, (k + 1) * SIZE * SIZE), b * SIZE * SIZE);
        y.set(train.bone.subarray(k * SIZE * SIZE, (k + 1) * SIZE * SIZE), b * SIZE * SIZE);
      });
      return { inputs: [{ data: x, shape: [indices.length, SIZE, SIZE, 1] }], targets: { data: y, shape: [indices.length, SIZE, SIZE, 1] } };
    },
  };
  const started = Date.now();
  // Seed 001's loss weights (lambda_L1 100, lambda_GC 1, lambda_FM 10).
  const history = await trainDecompositionGan(tf, generator, discriminator, data, {
    label: 'gan',
    epochs: 12,
    batchSize: 16,
    seed: 1,
    schedule: { maxLearningRate: 2e-3, firstPeriodEpochs: 12 },
    discriminator: discriminatorOptions,
    write: () => undefined,
  });
  const seconds = (Date.now() - started) / 1000;
  const x = tf.tensor(held.xray, [48, SIZE, SIZE, 1]);
  const truth = tf.tensor(held.bone, [48, SIZE, SIZE, 1]);
  const predicted = generator.predict(x) as tfTypes.Tensor;
  const mae = (a: tfTypes.Tensor): number => tf.tidy(() => tf.mean(tf.abs(tf.sub(a, truth))).dataSync()[0]!);
  const gc = (a: tfTypes.Tensor): number => tf.tidy(() => tf.mean(gradientCorrelation(tf, truth, a)).dataSync()[0]!);
  const [maeOut, maeIn, gcOut, gcIn] = [mae(predicted), mae(x), gc(predicted), gc(x)];
  const first = history[0]!;
  const last = history[history.length - 1]!;
  console.log(
    `decomposition GAN (${seconds.toFixed(0)} s): held-out MAE ${maeOut.toFixed(4)} (input itself ${maeIn.toFixed(4)}), GC ${gcOut.toFixed(3)} (input ${gcIn.toFixed(3)}); D loss ${first.discriminatorLoss.toFixed(3)} -> ${last.discriminatorLoss.toFixed(3)}, FM ${first.featureMatching.toFixed(3)} -> ${last.featureMatching.toFixed(3)}, training GC loss ${first.gradientCorrelationLoss.toFixed(3)} -> ${last.gradientCorrelationLoss.toFixed(3)}`,
  );
  assert.ok(maeOut < maeIn / 3, `MAE ${maeOut} vs input ${maeIn}`);
  // The input's edges are the bone's (the tissue is smooth), so its GC is high; the generator's must at least have grown during training.
  assert.ok(last.gradientCorrelationLoss < first.gradientCorrelationLoss - 0.1, `GC loss ${first.gradientCorrelationLoss} -> ${last.gradientCorrelationLoss}`);
  assert.ok(gcOut > 0.4, `held-out GC ${gcOut}`);
  assert.ok(history.every((h) => Number.isFinite(h.discriminatorLoss) && h.discriminatorLoss > 0 && h.featureMatching > 0));
  assert.ok(last.l1 < first.l1 / 2, `training L1 ${first.l1} -> ${last.l1}`);
  tf.dispose([x, truth, predicted]);
});

test('an interrupted GAN run resumes from its checkpoint to the weights of the uninterrupted run', async () => {
  const tf = await nnBackend('wasm');
  const size = 16;
  const set = layers(16, 3);
  const data: TrainingData = {
    count: 16,
    batch: (indices) => {
      const pixels = SIZE * SIZE;
      // Top-left 16 x 16 of each 32 x 32 sample keeps this fast.
      const crop = (source: Float32Array): Float32Array => {
        const out = new Float32Array(indices.length * size * size);
        indices.forEach((k, b) => {
          for (let y = 0; y < size; y++) out.set(source.subarray(k * pixels + y * SIZE, k * pixels + y * SIZE + size), (b * size + y) * size);
        });
        return out;
      };
      return {
        inputs: [{ data: crop(set.xray), shape: [indices.length, size, size, 1] }],
        targets: { data: crop(set.bone), shape: [indices.length, size, size, 1] },
      };
    },
  };
  const discriminatorOptions = { scales: 2, layers: 1 };
  const build = (): { g: tfTypes.LayersModel; d: tfTypes.LayersModel } => ({
    g: decompositionGenerator(tf, { inputShape: [size, size, 1], baseFilters: 4, downsamplings: 1, residualBlocks: 1, seed: 5 }),
    d: multiScalePatchGan(tf, { conditionShape: [size, size, 1], imageShape: [size, size, 1], baseFilters: 4, ...discriminatorOptions, seed: 6 }),
  });
  const options = (checkpointDir: string): Parameters<typeof trainDecompositionGan>[4] => ({
    label: 'gan-resume',
    epochs: 3,
    batchSize: 8,
    seed: 2,
    schedule: { maxLearningRate: 2e-3, firstPeriodEpochs: 3 },
    discriminator: discriminatorOptions,
    write: () => undefined,
    checkpointDir,
  });
  const whole = build();
  const wholeHistory = await trainDecompositionGan(tf, whole.g, whole.d, data, options(tempDir('gan-whole')));
  const dir = tempDir('gan-interrupted');
  const first = build();
  await assert.rejects(
    trainDecompositionGan(tf, first.g, first.d, data, {
      ...options(dir),
      onEpochEnd: (record) => {
        if (record.epoch === 1) throw new Error('simulated interruption');
      },
    }),
    /simulated interruption/,
  );
  const second = build();
  const resumedHistory = await trainDecompositionGan(tf, second.g, second.d, data, options(dir));
  assert.deepEqual(
    resumedHistory.map((h) => h.trainLoss),
    wholeHistory.map((h) => h.trainLoss),
  );
  for (const [a, b] of [
    [whole.g, second.g],
    [whole.d, second.d],
  ] as const)
    a.weights.forEach((w, i) => assert.deepEqual(b.weights[i]!.read().dataSync(), w.read().dataSync(), `weight ${w.name}`));
});
