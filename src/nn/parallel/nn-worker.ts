// Entry of an nn worker (a thread, or a forked process): its own TensorFlow.js and wasm instance on
// its own core. It keeps a replica of one network for data-parallel training (set weights, return a
// shard's gradients) and runs named task functions (a cross-validation fold, a share of inference).
import { parentPort } from 'node:worker_threads';
import type * as tfTypes from '../tfjs-types.js';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import { buildNetwork } from '../architectures/network-spec.js';
import type { TrainingLossName } from '../losses/training-loss.js';
import { nnBackend } from '../nn-backend.js';
import { batchGradients, trainableVariables } from '../training/batch-gradients.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

interface Replica {
  model: tfTypes.LayersModel;
  variables: tfTypes.Variable[];
  loss: TrainingLossName;
}

let replica: Replica | undefined;

async function handle(request: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  const tf = await nnBackend('wasm');
  switch (request.type) {
    case 'replica': {
      replica?.model.dispose();
      const model = buildNetwork(tf, request.spec);
      replica = { model, variables: trainableVariables(model), loss: request.loss };
      return { reply: { type: 'ready', weightLengths: model.weights.map((w) => w.read().size) }, transfer: [] };
    }
    case 'gradients': {
      if (replica === undefined) throw new OpenBmdError('INTERNAL', 'nn worker: gradients asked before a replica was built');
      const r = replica;
      const tensors = r.model.weights.map((w, i) => tf.tensor(request.weights[i]!, w.read().shape));
      r.model.setWeights(tensors);
      tf.dispose(tensors);
      const { loss, gradients } = batchGradients(tf, r.model, r.variables, r.loss, request.batch);
      const arrays = gradients.map((g) => g.dataSync() as Float32Array);
      tf.dispose(gradients);
      return { reply: { type: 'gradients', loss, gradients: arrays }, transfer: arrays.map((a) => a.buffer as ArrayBuffer) };
    }
    case 'task': {
      const module = (await import(request.moduleUrl)) as Record<string, unknown>;
      const fn = module[request.exportName];
      if (typeof fn !== 'function') throw new OpenBmdError('INTERNAL', `nn worker: ${request.moduleUrl} exports no function ${request.exportName}`);
      const value = (await (fn as (args: unknown) => unknown)(request.args)) as unknown;
      return { reply: { type: 'result', value }, transfer: [] };
    }
  }
}

/** Serves requests one at a time, in order, replying through `send`. */
function serve(onMessage: (listener: (request: WorkerRequest) => void) => void, send: (reply: WorkerReply, transfer: ArrayBuffer[]) => void): void {
  let queue: Promise<void> = Promise.resolve();
  onMessage((request) => {
    queue = queue.then(async () => {
      try {
        const { reply, transfer } = await handle(request);
        send(reply, transfer);
      } catch (thrown) {
        const error: WorkerReply =
          thrown instanceof OpenBmdError
            ? { type: 'error', code: thrown.code, message: thrown.message, ...(thrown.file === undefined ? {} : { file: thrown.file }) }
            : { type: 'error', code: 'INTERNAL', message: describeThrown(thrown) };
        send(error, []);
      }
    });
  });
}

const port = parentPort;
if (port !== null) {
  serve(
    (listener) => port.on('message', listener),
    (reply, transfer) => port.postMessage(reply, transfer),
  );
} else if (process.send !== undefined) {
  // A forked worker process (parallel folds and inference): its own V8 and wasm instance.
  const send = process.send.bind(process);
  // The parent may already have gone (it stops the others when one task fails): drop the reply then.
  serve(
    (listener) => process.on('message', listener),
    (reply) => {
      if (process.connected) send(reply, undefined, {}, () => undefined);
    },
  );
  process.on('disconnect', () => process.exit(0));
}
