import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OpenBmdErrorCode } from '../../core/errors.js';
import { OpenBmdError } from '../../core/errors.js';
import { WORKER_URL } from './nn-worker-thread.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

/**
 * One nn worker process (forked, structured-clone IPC). Independent tasks such as cross-validation
 * folds scale better across processes than across threads: each process has its own V8 helper
 * threads, which otherwise contend with the compute (two folds: 23.9 s in processes, about 25.5 s
 * in threads, on this 2-core machine).
 */
export class NnWorkerProcess {
  private readonly child: ChildProcess = fork(fileURLToPath(WORKER_URL), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  private readonly pending: { resolve: (reply: WorkerReply) => void; reject: (error: unknown) => void }[] = [];

  constructor() {
    this.child.on('message', (reply: WorkerReply) => this.pending.shift()?.resolve(reply));
    this.child.on('exit', (code, signal) => {
      const error = new OpenBmdError('INTERNAL', `nn worker process exited (${signal ?? `code ${code}`})`);
      for (const p of this.pending.splice(0)) p.reject(error);
    });
  }

  async request(message: WorkerRequest): Promise<WorkerReply> {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.send(message);
    });
    if (reply.type === 'error')
      throw new OpenBmdError(
        reply.code as OpenBmdErrorCode,
        reply.file === undefined ? reply.message : reply.message.replace(`${reply.file}: `, ''),
        reply.file === undefined ? {} : { file: reply.file },
      );
    return reply;
  }

  terminate(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}
