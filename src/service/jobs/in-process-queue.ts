import type { AuditLog } from '../store/audit-log.js';
import { studyPaths } from '../store/study-paths.js';
import type { StudyStore } from '../store/study-store.js';
import { AnalysisProcess } from './analysis-process.js';
import { recordJobEnd } from './record-job-end.js';

export interface QueueOptions {
  store: StudyStore;
  audit: AuditLog;
  dataDir: string;
  /** Worker processes analysing at once. */
  workers: number;
  maxHeapMiB: number;
  timeoutS: number;
  /** Starts of one study's analysis before a study that keeps killing its worker is failed. */
  maxAttempts: number;
  log: (line: string) => void;
  /** A study's outcome was stored. */
  onDone: (studyId: string) => void;
}

/**
 * The default queue: the store's queued rows are the queue, and `workers` worker processes take
 * them oldest first. A study whose worker dies is queued again (up to maxAttempts); studies left
 * running by a stopped server are queued again when the next one starts.
 */
export class InProcessQueue {
  readonly #o: QueueOptions;
  readonly #processes: AnalysisProcess[];
  readonly #progress = new Map<string, string>();
  #wakers: (() => void)[] = [];
  #stopped = false;
  #loops: Promise<void>[] = [];

  constructor(o: QueueOptions) {
    this.#o = o;
    this.#processes = Array.from(
      { length: o.workers },
      () => new AnalysisProcess({ maxHeapMiB: o.maxHeapMiB, timeoutS: o.timeoutS, onProgress: (id, line) => this.#progress.set(id, line) }),
    );
  }

  /** Requeues what a previous server left running, then starts the workers. */
  start(): void {
    const requeued = this.#o.store.requeueRunning();
    if (requeued > 0) this.#o.log(`openbmd serve: ${requeued} study(ies) left running by the last server queued again`);
    this.#loops = this.#processes.map((p) => this.#loop(p));
  }

  /** Tells idle workers that a study was queued. */
  wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const w of wakers) w();
  }

  /** The last progress line of a running study. */
  progress(studyId: string): string | undefined {
    return this.#progress.get(studyId);
  }

  /** The worker processes' ids (tests kill one to check nothing is lost). */
  workerPids(): (number | undefined)[] {
    return this.#processes.map((p) => p.pid);
  }

  /** Stops the workers; a study they were running stays 'running' in the store and is queued again at the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const p of this.#processes) p.stop();
    this.wake();
    await Promise.all(this.#loops);
  }

  async #loop(worker: AnalysisProcess): Promise<void> {
    while (!this.#stopped) {
      const study = this.#o.store.claimNext();
      if (study === undefined) {
        await new Promise<void>((resolve) => this.#wakers.push(resolve));
        continue;
      }
      this.#o.audit.append({ actor: 'worker', remote: null, action: 'analysis started', studyId: study.id, outcome: `attempt ${study.attempts}` });
      const paths = studyPaths({ dataDir: this.#o.dataDir, id: study.id });
      const end = await worker.run({ studyId: study.id, inputDir: paths.inputDir, names: study.uploadNames, outDir: paths.outDir, requested: study.requested });
      this.#progress.delete(study.id);
      if (this.#stopped && end.kind === 'lost') return;
      recordJobEnd({
        store: this.#o.store,
        audit: this.#o.audit,
        actor: 'worker',
        attempts: study.attempts,
        maxAttempts: this.#o.maxAttempts,
        end,
        onDone: this.#o.onDone,
      });
    }
  }
}
