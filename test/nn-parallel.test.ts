// Both cores: data-parallel gradients equal the size-weighted average of the shards' gradients
// computed in one process; data-parallel training learns the blob task; parallel folds give the
// same results as the same folds run in this process; parallel inference over a model folder equals
// single-thread inference; an error inside a worker comes back typed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import { OpenBmdError } from '../src/core/errors.js';
import type { NetworkSpec } from '../src/nn/architectures/network-spec.js';
import { buildNetwork } from '../src/nn/architectures/network-spec.js';
import { saveModelFolder } from '../src/nn/model-folder/model-folder.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { DataParallelGradients } from '../src/nn/parallel/data-parallel-gradients.js';
import { predictInWorkers } from '../src/nn/parallel/parallel-inference.js';
import { runTasksInWorkers } from '../src/nn/parallel/parallel-tasks.js';
import { batchGradients, trainableVariables } from '../src/nn/training/batch-gradients.js';
import { sliceHostBatch } from '../src/nn/training/training-data.js';
import { trainNetwork } from '../src/nn/training/train-network.js';
import { pearsonCorrelation } from '../src/stats/pearson-correlation.js';
import type { BlobFoldArgs } from './helpers/blob-task.js';
import { blobSet, blobTrainingData, trainBlobFold } from './helpers/blob-task.js';
import { tempDir } from './helpers/temp-dir.js';

const SPEC: NetworkSpec = { architecture: 'densenet-bc', options: { inputShape: [16, 16, 1], growthRate: 6, blockLayers: [2, 2], outputs: 1, seed: 1 } };
const BLOB_TASK = new URL('./helpers/blob-task.js', import.meta.url).href;

test('data-parallel gradients equal the size-weighted mean of the shard gradients (worker replica vs this process)', async () => {
  const tf = await nnBackend('wasm');
  const set = blobSet(10, 16, 1);
  const batch = blobTrainingData(
    set,
    Array.from({ length: 10 }, (_, i) => i),
  ).batch([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], undefined);
  const model = buildNetwork(tf, SPEC);
  const reference = buildNetwork(tf, SPEC);
  const parallel = await DataParallelGradients.start(tf, model, SPEC, 'mse', 2);
  try {
    const { loss, gradients } = await parallel.compute(batch);
    const variables = trainableVariables(reference);
    const first = batchGradients(tf, reference, variables, 'mse', sliceHostBatch(batch, 0, 5));
    reference.setWeights(model.weights.map((w) => w.read()));
    const second = batchGradients(tf, reference, variables, 'mse', sliceHostBatch(batch, 5, 10));
    let maxDiff = 0;
    let maxValue = 0;
    gradients.forEach((g, k) => {
      const got = g.dataSync();
      const a = first.gradients[k]!.dataSync();
      const b = second.gradients[k]!.dataSync();
      for (let i = 0; i < got.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(got[i]! - (a[i]! + b[i]!) / 2));
        maxValue = Math.max(maxValue, Math.abs(got[i]!));
      }
    });
    console.log(
      `data-parallel gradients vs shard mean: max |difference| ${maxDiff.toExponential(2)} (gradients up to ${maxValue.toFixed(3)}), loss ${loss.toFixed(5)} vs ${((first.loss + second.loss) / 2).toFixed(5)}`,
    );
    assert.ok(maxValue > 1e-3);
    assert.ok(maxDiff < 1e-5, `max difference ${maxDiff}`);
    assert.ok(Math.abs(loss - (first.loss + second.loss) / 2) < 1e-6);
    tf.dispose([...gradients, ...first.gradients, ...second.gradients]);
  } finally {
    await parallel.dispose();
  }
});

test('data-parallel training on two cores learns the blob task (held-out r > 0.98)', async () => {
  const tf = await nnBackend('wasm');
  const set = blobSet(512, 16, 3);
  const model = buildNetwork(tf, SPEC);
  const train = Array.from({ length: 384 }, (_, i) => i);
  const held = Array.from({ length: 128 }, (_, i) => 384 + i);
  const started = Date.now();
  const result = await trainNetwork(tf, model, blobTrainingData(set, train), {
    label: 'blob x2',
    loss: 'mse',
    epochs: 12,
    batchSize: 32,
    seed: 1,
    schedule: { maxLearningRate: 3e-3, firstPeriodEpochs: 12 },
    parallel: { spec: SPEC, cores: 2 },
    write: () => undefined,
  });
  const heldBatch = blobTrainingData(set, held).batch(
    held.map((_, i) => i),
    undefined,
  );
  const predicted = Array.from((model.predict(tf.tensor(heldBatch.inputs[0]!.data, heldBatch.inputs[0]!.shape)) as tfTypes.Tensor).dataSync());
  const r = pearsonCorrelation(
    predicted,
    held.map((i) => set.targets[i]!),
  ).r;
  console.log(
    `data-parallel (2 cores) blob regression: held-out r = ${r.toFixed(4)}, ${result.samplesPerSecond.toFixed(0)} samples/s, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  assert.ok(r > 0.98, `r = ${r}`);
});

test('parallel folds return what the same folds return in this process, in fold order', async () => {
  const args = (fold: number): BlobFoldArgs => ({ fold, folds: 2, n: 96, size: 16, epochs: 2, spec: SPEC });
  const parallel = await runTasksInWorkers<BlobFoldArgs, Awaited<ReturnType<typeof trainBlobFold>>>(
    [0, 1].map((fold) => ({ moduleUrl: BLOB_TASK, exportName: 'trainBlobFold', args: args(fold) })),
    2,
  );
  assert.deepEqual(
    parallel.map((p) => p.fold),
    [0, 1],
  );
  const local = await trainBlobFold(args(1));
  assert.deepEqual(parallel[1]!.cases, local.cases);
  assert.deepEqual(parallel[1]!.predicted, local.predicted, 'a fold trained in a worker thread equals the same fold trained here');
});

test('parallel inference over a model folder equals single-thread inference; worker errors come back typed', async () => {
  const tf = await nnBackend('wasm');
  const dir = tempDir('parallel-model');
  const model = buildNetwork(tf, SPEC);
  await saveModelFolder(
    tf,
    dir,
    { name: 'blob', pipeline: 'test', command: 'test', trainingData: { cohort: 'none', simulated: true, cases: 0 }, parameters: {}, metrics: {} },
    { regressor: { model, spec: SPEC, preprocessing: {} } },
  );
  const set = blobSet(37, 16, 4);
  const inputs = blobTrainingData(
    set,
    Array.from({ length: 37 }, (_, i) => i),
  ).batch(
    Array.from({ length: 37 }, (_, i) => i),
    undefined,
  ).inputs[0]!;
  const expected = (model.predict(tf.tensor(inputs.data, inputs.shape)) as tfTypes.Tensor).dataSync();
  const got = await predictInWorkers(dir, 'regressor', inputs, 2, 8);
  assert.equal(got.length, 37);
  got.forEach((g, i) => assert.ok(Math.abs(g[0]! - expected[i]!) < 1e-5, `sample ${i}: ${g[0]} vs ${expected[i]}`));
  await assert.rejects(
    predictInWorkers(`${dir}-absent`, 'regressor', inputs, 2),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'FILE_NOT_FOUND' && e.file === `${dir}-absent`,
  );
});
