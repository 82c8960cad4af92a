import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AnalysisJob, AnalysisReply } from './analysis-messages.js';

const CHILD = fileURLToPath(new URL('./analysis-child.js', import.meta.url));

/** How one job in a worker process ended, from the queue's side. */
export type JobEnd =
  | Extract<AnalysisReply, { kind: 'done' | 'failed' }>
  /** The process died (killed, out of memory) before it answered: the study may be tried again. */
  | { kind: 'lost'; studyId: string; why: string }
  /** It ran past the time limit and was stopped. */
  | { kind: 'timed-out'; studyId: string; seconds: number };

export interface AnalysisProcessOptions {
  /** Heap limit of the worker process, so one study cannot take the machine's memory. */
  maxHeapMiB: number;
  timeoutS: number;
  onProgress: (studyId: string, line: string) => void;
}

/**
 * One worker process and the job it is running. The process is started on first use and again
 * after it dies or is stopped, and stays warm between jobs (its models and WebAssembly loaded once).
 */
export class AnalysisProcess {
  readonly #o: AnalysisProcessOptions;
  #child: ChildProcess | undefined;

  constructor(o: AnalysisProcessOptions) {
    this.#o = o;
  }

  /** The worker's process id while it runs (tests kill it to simulate a crash). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  run(job: AnalysisJob): Promise<JobEnd> {
    const child = (this.#child ??= fork(CHILD, [], {
      execArgv: [`--max-old-space-size=${this.#o.maxHeapMiB}`],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }));
    return new Promise<JobEnd>((resolve) => {
      const finish = (end: JobEnd): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(end);
      };
      const onMessage = (reply: AnalysisReply): void => {
        if (reply.studyId !== job.studyId) return;
        if (reply.kind === 'progress') this.#o.onProgress(job.studyId, reply.line);
        else finish(reply);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        this.#child = undefined;
        finish({ kind: 'lost', studyId: job.studyId, why: signal === null ? `exit code ${code}` : `signal ${signal}` });
      };
      const timer = setTimeout(() => {
        this.stop();
        finish({ kind: 'timed-out', studyId: job.studyId, seconds: this.#o.timeoutS });
      }, this.#o.timeoutS * 1000);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', (e) => finish({ kind: 'lost', studyId: job.studyId, why: e.message }));
      child.send(job);
    });
  }

  /** Stops the worker process (a running job ends as lost). */
  stop(): void {
    const child = this.#child;
    this.#child = undefined;
    child?.kill('SIGKILL');
  }
}
