import { Worker } from 'node:worker_threads';
import type { OpenBmdErrorCode } from '../../core/errors.js';
import { OpenBmdError } from '../../core/errors.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

/** The worker entry, shared by threads and processes. */
export const WORKER_URL = new URL('./nn-worker.js', import.meta.url);

/**
 * One nn worker thread with a promise per request. The wasm backend is single-threaded, so a second
 * core is used by a second thread with its own TensorFlow.js instance. An error inside the worker
 * comes back as the same OpenBmdError (code, message, file).
 */
export class NnWorkerThread {
  private readonly worker = new Worker(WORKER_URL);
  private readonly pending: { resolve: (reply: WorkerReply) => void; reject: (error: unknown) => void }[] = [];
  private failure: unknown;

  constructor() {
    this.worker.on('message', (reply: WorkerReply) => this.pending.shift()?.resolve(reply));
    this.worker.on('error', (error) => {
      this.failure = error;
      for (const p of this.pending.splice(0)) p.reject(error);
    });
    this.worker.on('exit', (code) => {
      const error = new OpenBmdError('INTERNAL', `nn worker thread exited (code ${code})`);
      for (const p of this.pending.splice(0)) p.reject(error);
    });
  }

  async request(message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.failure !== undefined) throw this.failure;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(message, transfer);
    });
    if (reply.type === 'error')
      throw new OpenBmdError(
        reply.code as OpenBmdErrorCode,
        reply.file === undefined ? reply.message : reply.message.replace(`${reply.file}: `, ''),
        reply.file === undefined ? {} : { file: reply.file },
      );
    return reply;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
