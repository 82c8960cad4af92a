import type { SeededRandom } from '../../core/seeded-random.js';

/** A tensor's values on the host, batch axis first. */
export interface HostTensor {
  data: Float32Array;
  shape: number[];
}

/** One batch on the host: the model's inputs in order, the targets, and optional weights (one per sample, or one per target value). */
export interface HostBatch {
  inputs: HostTensor[];
  targets: HostTensor;
  sampleWeights?: Float32Array;
}

/**
 * Samples a network trains on. `batch` builds the samples at the given indices; `random` is given
 * when training (augment with it, so a seed reproduces every batch) and absent for validation and
 * prediction. Host arrays, not tensors, so a batch can be split across worker processes.
 */
export interface TrainingData {
  count: number;
  batch(indices: readonly number[], random: SeededRandom | undefined): HostBatch;
}

/** Rows [start, end) of a host tensor along the batch axis. */
export function sliceHostTensor(t: HostTensor, start: number, end: number): HostTensor {
  const per = t.data.length / t.shape[0]!;
  return { data: t.data.slice(start * per, end * per), shape: [end - start, ...t.shape.slice(1)] };
}

/** The weights of samples [start, end), whether one per sample or several. */
function sliceWeights(weights: Float32Array, samples: number, start: number, end: number): Float32Array {
  const per = weights.length / samples;
  return weights.slice(start * per, end * per);
}

/** Rows [start, end) of every part of a batch. */
export function sliceHostBatch(b: HostBatch, start: number, end: number): HostBatch {
  return {
    inputs: b.inputs.map((t) => sliceHostTensor(t, start, end)),
    targets: sliceHostTensor(b.targets, start, end),
    ...(b.sampleWeights === undefined ? {} : { sampleWeights: sliceWeights(b.sampleWeights, b.targets.shape[0]!, start, end) }),
  };
}
