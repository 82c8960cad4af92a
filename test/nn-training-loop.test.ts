// The training loop end to end on a small DenseNet: an interrupted run resumed from its checkpoint
// ends with exactly the weights of the uninterrupted run; early stopping stops and restores the best
// epoch; a checkpoint of another run, or a damaged one, is refused with BAD_MODEL; progress lines
// carry the rate and ETA.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { denseNet } from '../src/nn/architectures/densenet.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import type { TrainingData } from '../src/nn/training/training-data.js';
import { drawAugmentation, warpImage } from '../src/nn/training/image-augmentation.js';
import type { TrainNetworkOptions } from '../src/nn/training/train-network.js';
import { trainNetwork } from '../src/nn/training/train-network.js';
import { tempDir } from './helpers/temp-dir.js';

const SIZE = 12;

/** Blobs whose intensity is the target; training batches are augmented (flips and small rotations), as a pipeline would. */
function blobData(n: number, seed: number): TrainingData {
  const random = new SeededRandom(seed);
  const images: Float32Array[] = [];
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = 0.2 + 0.8 * random.nextFloat();
    const cx = 3 + 6 * random.nextFloat();
    const cy = 3 + 6 * random.nextFloat();
    const image = new Float32Array(SIZE * SIZE);
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) image[y * SIZE + x] = a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 6) + 0.03 * random.nextNormal();
    images.push(image);
    targets.push(a);
  }
  const ranges = {
    rotationDeg: 10,
    shearDeg: 0,
    translationFraction: 0,
    scaleFraction: 0,
    brightness: 0,
    contrast: 0,
    horizontalFlip: true,
    verticalFlip: true,
  };
  return {
    count: n,
    batch: (indices, augment) => {
      const data = new Float32Array(indices.length * SIZE * SIZE);
      indices.forEach((index, b) => {
        const image = images[index]!;
        data.set(
          augment === undefined ? image : warpImage(image, SIZE, SIZE, 1, drawAugmentation(ranges, SIZE, SIZE, augment).forward, 'bilinear'),
          b * SIZE * SIZE,
        );
      });
      return {
        inputs: [{ data, shape: [indices.length, SIZE, SIZE, 1] }],
        targets: { data: Float32Array.from(indices.map((i) => targets[i]!)), shape: [indices.length, 1] },
      };
    },
  };
}

const baseOptions = (checkpointDir: string, lines: string[]): TrainNetworkOptions => ({
  label: 'blob',
  loss: 'mse',
  epochs: 4,
  batchSize: 16,
  seed: 9,
  schedule: { maxLearningRate: 3e-3, firstPeriodEpochs: 2, periodMultiplier: 2 },
  validation: blobData(32, 2),
  checkpointDir,
  write: (line) => lines.push(line),
});

async function flatWeights(modelWeights: { read(): { data(): Promise<unknown> } }[]): Promise<Float32Array[]> {
  return Promise.all(modelWeights.map(async (w) => (await w.read().data()) as Float32Array));
}

test('an interrupted run resumes from its checkpoint to the weights of the uninterrupted run', async () => {
  const tf = await nnBackend('wasm');
  const data = blobData(64, 1);
  const build = (): ReturnType<typeof denseNet> => denseNet(tf, { inputShape: [SIZE, SIZE, 1], growthRate: 4, blockLayers: [2, 2], outputs: 1, seed: 3 });
  const whole = build();
  const wholeLines: string[] = [];
  const wholeResult = await trainNetwork(tf, whole, data, baseOptions(tempDir('train-whole'), wholeLines));
  const expected = await flatWeights(whole.weights);

  const dir = tempDir('train-interrupted');
  const first = build();
  await assert.rejects(
    trainNetwork(tf, first, data, {
      ...baseOptions(dir, []),
      onEpochEnd: (record) => {
        if (record.epoch === 2) throw new Error('simulated interruption');
      },
    }),
    /simulated interruption/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ['checkpoint-e00002.bin', 'checkpoint.json']);
  const resumedLines: string[] = [];
  const second = build();
  const resumed = await trainNetwork(tf, second, data, baseOptions(dir, resumedLines));
  assert.equal(resumed.resumedAfterEpoch, 2);
  assert.ok(resumedLines[0]!.includes('resuming after epoch 2'), resumedLines[0]);
  assert.deepEqual(
    resumed.history.map((h) => h.trainLoss),
    wholeResult.history.map((h) => h.trainLoss),
  );
  const got = await flatWeights(second.weights);
  got.forEach((w, i) => assert.deepEqual(w, expected[i], `weight ${i} differs after resuming`));
  assert.ok(
    wholeLines.some((l) => /epoch 4\/4 done: loss [\d.e-]+ validation [\d.e-]+ lr [\d.e+-]+ [\d.]+ samples\/s ETA \d+s/.test(l)),
    wholeLines.join('\n'),
  );
  console.log(
    `resume: 4 epochs whole vs 2 + interruption + 2 resumed: identical weights (${got.length} arrays), validation loss ${resumed.history.map((h) => h.validationLoss!.toFixed(4)).join(' ')}`,
  );
  tf.dispose([whole, first, second].flatMap((m) => m.weights.map((w) => w.read())));
});

test('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  const tf = await nnBackend('wasm');
  const model = denseNet(tf, { inputShape: [SIZE, SIZE, 1], growthRate: 4, blockLayers: [2], outputs: 1, seed: 4 });
  const lines: string[] = [];
  const perEpoch: Float32Array[][] = [];
  // An improvement must beat the best by minDelta; with an unreachable minDelta only epoch 1 counts,
  // so the run must stop after epoch 1 + patience and come back with epoch 1's weights.
  const result = await trainNetwork(tf, model, blobData(64, 1), {
    ...baseOptions(tempDir('train-early'), lines),
    epochs: 20,
    earlyStopping: { patience: 2, minDelta: 1e9 },
    onEpochEnd: () => perEpoch.push(model.weights.map((w) => w.read().dataSync() as Float32Array)),
  });
  assert.equal(result.stoppedEarly, true);
  assert.equal(result.bestEpoch, 1);
  assert.equal(result.history.length, 3);
  assert.notDeepEqual(perEpoch[2], perEpoch[0], 'training moved the weights after epoch 1');
  model.weights.forEach((w, i) => assert.deepEqual(w.read().dataSync(), perEpoch[0]![i], `weight ${i} is not epoch 1's`));
  assert.ok(
    lines.some((l) => l.includes('no improvement for 2 epochs: stopping')),
    lines.join('\n'),
  );
});

test('a checkpoint of another run, or a damaged one, is refused with BAD_MODEL naming the file', async () => {
  const tf = await nnBackend('wasm');
  const data = blobData(32, 1);
  const dir = tempDir('train-refuse');
  const build = (): ReturnType<typeof denseNet> => denseNet(tf, { inputShape: [SIZE, SIZE, 1], growthRate: 4, blockLayers: [2], outputs: 1, seed: 5 });
  await trainNetwork(tf, build(), data, { ...baseOptions(dir, []), epochs: 1 });
  await assert.rejects(
    trainNetwork(tf, build(), data, { ...baseOptions(dir, []), epochs: 2, seed: 10 }),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'BAD_MODEL' && /other settings/.test(e.message) && e.file === join(dir, 'checkpoint.json'),
  );
  const bin = join(dir, 'checkpoint-e00001.bin');
  const bytes = readFileSync(bin);
  bytes[100] = bytes[100]! ^ 0xff;
  writeFileSync(bin, bytes);
  await assert.rejects(
    trainNetwork(tf, build(), data, { ...baseOptions(dir, []), epochs: 2 }),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'BAD_MODEL' && /damaged/.test(e.message) && e.file === bin,
  );
  writeFileSync(join(dir, 'checkpoint.json'), '{"format": "openbmd-training-checkpoint", "runKey": ');
  await assert.rejects(
    trainNetwork(tf, build(), data, { ...baseOptions(dir, []), epochs: 2 }),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'BAD_MODEL' && e.file === join(dir, 'checkpoint.json'),
  );
});
