// One NN-engine measurement in this process and its workers (threads for data-parallel training,
// processes for folds and inference); prints its figures and peak RSS as JSON. Inputs are synthetic.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkSpec } from '../src/nn/architectures/network-spec.js';
import { buildNetwork } from '../src/nn/architectures/network-spec.js';
import { predictInBatches } from '../src/nn/inference.js';
import { saveModelFolder } from '../src/nn/model-folder/model-folder.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { predictInWorkers } from '../src/nn/parallel/parallel-inference.js';
import { runTasksInWorkers } from '../src/nn/parallel/parallel-tasks.js';
import type { TrainingLossName } from '../src/nn/losses/training-loss.js';
import type { TrainingData } from '../src/nn/training/training-data.js';
import { trainNetwork } from '../src/nn/training/train-network.js';
import type { BlobFoldArgs } from '../test/helpers/blob-task.js';

/** The compact DenseNet-BC for 128 px inputs: stride-2 stem and max pooling, k = 8, blocks 4-4-4 (48k parameters). */
export const DENSENET_128: NetworkSpec = {
  architecture: 'densenet-bc',
  options: { inputShape: [128, 128, 1], growthRate: 8, blockLayers: [4, 4, 4], stemStride: 2, stemPool: true, outputs: 1, seed: 1 },
};
/** U-Net at 256 px: 8 base maps, 4 levels. */
export const UNET_256: NetworkSpec = { architecture: 'unet', options: { inputShape: [256, 256, 1], classes: 1, baseFilters: 8, depth: 4, seed: 1 } };

function syntheticData(count: number, size: number, targetPerPixel: boolean): TrainingData {
  const pixels = size * size;
  const images = Float32Array.from({ length: count * pixels }, (_, i) => Math.sin(i * 0.013) + ((i * 7919) % 101) / 101);
  return {
    count,
    batch: (indices) => {
      const data = new Float32Array(indices.length * pixels);
      indices.forEach((k, b) => data.set(images.subarray(k * pixels, (k + 1) * pixels), b * pixels));
      const targets = targetPerPixel
        ? { data: data.map((v) => (v > 0.8 ? 1 : 0)), shape: [indices.length, size, size, 1] }
        : { data: Float32Array.from(indices, (k) => k / count), shape: [indices.length, 1] };
      return { inputs: [{ data, shape: [indices.length, size, size, 1] }], targets };
    },
  };
}

async function train(
  spec: NetworkSpec,
  loss: TrainingLossName,
  size: number,
  count: number,
  batchSize: number,
  cores: number,
): Promise<Record<string, number>> {
  const tf = await nnBackend('wasm');
  const model = buildNetwork(tf, spec);
  const result = await trainNetwork(tf, model, syntheticData(count, size, loss !== 'mse'), {
    label: 'bench',
    loss,
    epochs: 3,
    batchSize,
    seed: 1,
    schedule: { maxLearningRate: 1e-3, firstPeriodEpochs: 10 },
    parallel: { spec, cores },
    write: () => undefined,
  });
  // The first epoch includes start-up (worker threads, wasm compilation): the rate is over the other two.
  const seconds = result.history.slice(1).reduce((s, h) => s + h.seconds, 0);
  return { samplesPerSecond: (2 * Math.floor(count / batchSize) * batchSize) / seconds, parameters: model.countParams() };
}

async function infer(spec: NetworkSpec, size: number, count: number, workers: number): Promise<Record<string, number>> {
  const tf = await nnBackend('wasm');
  const model = buildNetwork(tf, spec);
  const data = syntheticData(count, size, false).batch(
    Array.from({ length: count }, (_, i) => i),
    undefined,
  ).inputs[0]!;
  const pixels = size * size;
  if (workers === 1) {
    predictInBatches(tf, model, 8, (start, n) => tf.tensor(data.data.subarray(start * pixels, (start + n) * pixels), [n, size, size, 1]), 8);
    const started = Date.now();
    predictInBatches(tf, model, count, (start, n) => tf.tensor(data.data.subarray(start * pixels, (start + n) * pixels), [n, size, size, 1]), 8);
    return { samplesPerSecond: count / ((Date.now() - started) / 1000) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'openbmd-bench-model-'));
  await saveModelFolder(
    tf,
    dir,
    { name: 'bench', pipeline: 'bench', command: 'npm run bench', trainingData: { cohort: 'none', simulated: true, cases: 0 }, parameters: {}, metrics: {} },
    { net: { model, spec, preprocessing: {} } },
  );
  // Includes starting the worker processes and loading the model folder in each: what a batch of studies costs.
  const started = Date.now();
  await predictInWorkers(dir, 'net', data, workers, 8);
  const seconds = (Date.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return { samplesPerSecond: count / seconds };
}

async function folds(threads: number): Promise<Record<string, number>> {
  const spec: NetworkSpec = { architecture: 'densenet-bc', options: { inputShape: [32, 32, 1], growthRate: 8, blockLayers: [3, 3], outputs: 1, seed: 1 } };
  const moduleUrl = new URL('../test/helpers/blob-task.js', import.meta.url).href;
  const tasks = [0, 1].map((fold) => ({
    moduleUrl,
    exportName: 'trainBlobFold',
    args: { fold, folds: 2, n: 384, size: 32, epochs: 4, spec } satisfies BlobFoldArgs,
  }));
  const started = Date.now();
  const results = await runTasksInWorkers<BlobFoldArgs, { maxRssKiB: number }>(tasks, threads);
  // Worker processes: each reports its own peak; with two at once the whole takes up to their sum.
  const workersKiB = threads === 1 ? Math.max(...results.map((r) => r.maxRssKiB)) : results.reduce((s, r) => s + r.maxRssKiB, 0);
  return { seconds: (Date.now() - started) / 1000, workersMaxRssKiB: workersKiB };
}

const [mode, countText] = process.argv.slice(2);
const n = Number(countText ?? 1);
const figures =
  mode === 'densenet-train'
    ? await train(DENSENET_128, 'mse', 128, 128, 32, n)
    : mode === 'densenet-infer'
      ? await infer(DENSENET_128, 128, 1024, n)
      : mode === 'unet-train'
        ? await train(UNET_256, 'dice', 256, 32, 8, n)
        : mode === 'unet-infer'
          ? await infer(UNET_256, 256, 128, n)
          : mode === 'folds'
            ? await folds(n)
            : undefined;
if (figures === undefined) throw new Error('usage: nn-child densenet-train|densenet-infer|unet-train|unet-infer|folds CORES');
process.stdout.write(`${JSON.stringify({ ...figures, maxRssKiB: process.resourceUsage().maxRSS + (figures['workersMaxRssKiB'] ?? 0) })}\n`);
