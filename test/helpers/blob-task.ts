// A small, deterministic regression task for the NN engine's tests and benchmark: images with one
// Gaussian blob in noise, target the blob's intensity. `trainBlobFold` is a worker-thread task (one
// cross-validation fold: train on the other folds, predict this one).
import { SeededRandom } from '../../src/core/seeded-random.js';
import type { NetworkSpec } from '../../src/nn/architectures/network-spec.js';
import { buildNetwork } from '../../src/nn/architectures/network-spec.js';
import { predictInBatches } from '../../src/nn/inference.js';
import { nnBackend } from '../../src/nn/nn-backend.js';
import type { TrainingData } from '../../src/nn/training/training-data.js';
import { trainNetwork } from '../../src/nn/training/train-network.js';

export interface BlobSet {
  size: number;
  images: Float32Array[];
  targets: number[];
}

export function blobSet(n: number, size: number, seed: number): BlobSet {
  const random = new SeededRandom(seed);
  const images: Float32Array[] = [];
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = 0.2 + 0.8 * random.nextFloat();
    const cx = size * (0.25 + 0.5 * random.nextFloat());
    const cy = size * (0.25 + 0.5 * random.nextFloat());
    const s = size * (0.08 + 0.1 * random.nextFloat());
    const image = new Float32Array(size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) image[y * size + x] = a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s)) + 0.05 * random.nextNormal();
    images.push(image);
    targets.push(a);
  }
  return { size, images, targets };
}

export function blobTrainingData(set: BlobSet, indices: readonly number[]): TrainingData {
  const pixels = set.size * set.size;
  return {
    count: indices.length,
    batch: (batch) => {
      const data = new Float32Array(batch.length * pixels);
      batch.forEach((k, b) => data.set(set.images[indices[k]!]!, b * pixels));
      return {
        inputs: [{ data, shape: [batch.length, set.size, set.size, 1] }],
        targets: { data: Float32Array.from(batch, (k) => set.targets[indices[k]!]!), shape: [batch.length, 1] },
      };
    },
  };
}

export interface BlobFoldArgs {
  fold: number;
  folds: number;
  n: number;
  size: number;
  epochs: number;
  spec: NetworkSpec;
  batchSize?: number;
}

/** One fold (a worker-thread task): returns the held-out predictions and truth, in case order. */
export async function trainBlobFold(
  args: BlobFoldArgs,
): Promise<{ fold: number; cases: number[]; predicted: number[]; truth: number[]; seconds: number; maxRssKiB: number }> {
  const started = Date.now();
  const tf = await nnBackend('wasm');
  const set = blobSet(args.n, args.size, 7);
  const all = Array.from({ length: args.n }, (_, i) => i);
  const held = all.filter((i) => i % args.folds === args.fold);
  const train = all.filter((i) => i % args.folds !== args.fold);
  const model = buildNetwork(tf, args.spec);
  await trainNetwork(tf, model, blobTrainingData(set, train), {
    label: `fold ${args.fold + 1}`,
    loss: 'mse',
    epochs: args.epochs,
    batchSize: args.batchSize ?? 16,
    seed: args.fold + 1,
    schedule: { maxLearningRate: 3e-3, firstPeriodEpochs: args.epochs },
    write: () => undefined,
  });
  const heldData = blobTrainingData(set, held);
  const outputs = predictInBatches(tf, model, held.length, (start, size) => {
    const b = heldData.batch(
      Array.from({ length: size }, (_, i) => start + i),
      undefined,
    ).inputs[0]!;
    return tf.tensor(b.data, b.shape);
  });
  model.dispose();
  return {
    fold: args.fold,
    cases: held,
    predicted: outputs.map((o) => o[0]!),
    truth: held.map((i) => set.targets[i]!),
    seconds: (Date.now() - started) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
}
