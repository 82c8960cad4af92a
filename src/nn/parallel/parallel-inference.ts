import { OpenBmdError } from '../../core/errors.js';
import { predictInBatches } from '../inference.js';
import { loadModelFolder } from '../model-folder/model-folder.js';
import { nnBackend } from '../nn-backend.js';
import type { HostTensor } from '../training/training-data.js';
import { sliceHostTensor } from '../training/training-data.js';
import { runTasksInWorkers } from './parallel-tasks.js';

/** One worker's share of a prediction: load the model folder's network, predict the samples given. */
export interface PredictShareArgs {
  modelFolder: string;
  network: string;
  inputs: HostTensor;
  batchSize: number;
}

/** Task function (runs in a worker process): the outputs of one share, one array per sample. */
export async function predictShare(args: PredictShareArgs): Promise<Float32Array[]> {
  const tf = await nnBackend('wasm');
  const { networks } = await loadModelFolder(tf, args.modelFolder);
  const model = networks[args.network];
  if (model === undefined) throw new OpenBmdError('BAD_MODEL', `model has no network '${args.network}'`, { file: args.modelFolder });
  const per = args.inputs.data.length / args.inputs.shape[0]!;
  const outputs = predictInBatches(
    tf,
    model,
    args.inputs.shape[0]!,
    (start, size) => tf.tensor(args.inputs.data.subarray(start * per, (start + size) * per), [size, ...args.inputs.shape.slice(1)]),
    args.batchSize,
  );
  Object.values(networks).forEach((m) => m.dispose());
  return outputs;
}

/**
 * Inference over many studies on several cores: the samples are split into one contiguous share
 * per worker process, each loads the model folder and predicts its share; outputs come back in
 * sample order, the same as one process would give.
 */
export async function predictInWorkers(modelFolder: string, network: string, inputs: HostTensor, processes = 2, batchSize = 16): Promise<Float32Array[]> {
  const count = inputs.shape[0]!;
  const shares = Math.max(1, Math.min(processes, count));
  const bounds = Array.from({ length: shares + 1 }, (_, i) => Math.round((i * count) / shares));
  const tasks = Array.from({ length: shares }, (_, i) => ({
    moduleUrl: import.meta.url,
    exportName: 'predictShare',
    args: { modelFolder, network, inputs: sliceHostTensor(inputs, bounds[i]!, bounds[i + 1]!), batchSize } satisfies PredictShareArgs,
  }));
  const results = await runTasksInWorkers<PredictShareArgs, Float32Array[]>(tasks, shares);
  return results.flat();
}
