import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import type { NetworkSpec } from '../architectures/network-spec.js';
import type { TrainingLossName } from '../losses/training-loss.js';
import { batchGradients, trainableVariables } from '../training/batch-gradients.js';
import type { GradientSource } from '../training/gradient-source.js';
import type { HostBatch } from '../training/training-data.js';
import { sliceHostBatch } from '../training/training-data.js';
import { NnWorkerThread } from './nn-worker-thread.js';

/**
 * Synchronous data-parallel gradients: each step splits the batch into one shard per core; worker
 * threads (each with a replica built from the same spec) receive the current weights and their
 * shard, this thread computes its own shard meanwhile, and the gradients are averaged weighted by
 * shard size. Weights are sent every step (compact networks: well under a megabyte), so replicas
 * never drift, batch-normalisation moving statistics included.
 */
export class DataParallelGradients implements GradientSource {
  private readonly variables: tfTypes.Variable[];

  private constructor(
    private readonly tf: TensorFlow,
    private readonly model: tfTypes.LayersModel,
    private readonly loss: TrainingLossName,
    private readonly workers: NnWorkerThread[],
  ) {
    this.variables = trainableVariables(model);
  }

  /** Starts `cores - 1` worker threads holding replicas of `spec` (the network `model` was built from). */
  static async start(tf: TensorFlow, model: tfTypes.LayersModel, spec: NetworkSpec, loss: TrainingLossName, cores: number): Promise<DataParallelGradients> {
    if (!Number.isInteger(cores) || cores < 1) throw new OpenBmdError('BAD_ARGUMENT', `cores must be a positive integer, got ${cores}`);
    const workers = Array.from({ length: cores - 1 }, () => new NnWorkerThread());
    const expected = model.weights.map((w) => w.read().size);
    for (const worker of workers) {
      const reply = await worker.request({ type: 'replica', spec, loss });
      if (reply.type !== 'ready' || JSON.stringify(reply.weightLengths) !== JSON.stringify(expected)) {
        await Promise.all(workers.map((w) => w.terminate()));
        throw new OpenBmdError('INTERNAL', 'data-parallel replica differs from the network being trained (is the spec the one it was built from?)');
      }
    }
    return new DataParallelGradients(tf, model, loss, workers);
  }

  async compute(batch: HostBatch): Promise<{ loss: number; gradients: tfTypes.Tensor[] }> {
    const tf = this.tf;
    const size = batch.targets.shape[0]!;
    const parts = Math.min(this.workers.length + 1, size);
    const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * size) / parts));
    const weights = this.model.weights.map((w) => w.read().dataSync() as Float32Array);
    const remote = this.workers
      .slice(0, parts - 1)
      .map((worker, i) => worker.request({ type: 'gradients', weights, batch: sliceHostBatch(batch, bounds[i + 1]!, bounds[i + 2]!) }));
    const local = batchGradients(tf, this.model, this.variables, this.loss, sliceHostBatch(batch, 0, bounds[1]!));
    const replies = await Promise.all(remote);
    const localShare = bounds[1]! / size;
    let loss = local.loss * localShare;
    const sums = local.gradients.map((g) => {
      const scaled = tf.mul(g, localShare);
      g.dispose();
      return scaled;
    });
    replies.forEach((reply, i) => {
      if (reply.type !== 'gradients') throw new OpenBmdError('INTERNAL', 'data-parallel worker sent no gradients');
      const share = (bounds[i + 2]! - bounds[i + 1]!) / size;
      loss += reply.loss * share;
      reply.gradients.forEach((array, k) => {
        const next = tf.tidy(() => tf.add(sums[k]!, tf.mul(tf.tensor(array, sums[k]!.shape), share)));
        sums[k]!.dispose();
        sums[k] = next;
      });
    });
    return { loss, gradients: sums };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
