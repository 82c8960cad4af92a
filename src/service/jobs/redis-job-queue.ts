import { Job, Queue, QueueEvents } from 'bullmq';
import type { AuditLog } from '../store/audit-log.js';
import type { StudyStore } from '../store/study-store.js';
import type { RedisJobData } from './redis-connection.js';
import { ANALYSIS_QUEUE, redisConnection } from './redis-connection.js';

export interface RedisJobQueueOptions {
  redisUrl: string;
  store: StudyStore;
  audit: AuditLog;
  /** The URL workers reach this server at. */
  serverUrl: string;
  /** Starts of one study before BullMQ gives up on it (a worker that dies mid-job costs one). */
  maxAttempts: number;
  log: (line: string) => void;
}

/**
 * The server's side of scale-out: each queued study becomes a BullMQ job (its id the study's id,
 * so adding it twice is harmless), run by `openbmd worker` processes anywhere that reach Redis and
 * this server. The store stays this server's alone: workers post their outcome back over HTTP;
 * this side marks studies running and fails those BullMQ gave up on (workers lost too often).
 */
export class RedisJobQueue {
  readonly #o: RedisJobQueueOptions;
  readonly #queue: Queue<RedisJobData>;
  readonly #events: QueueEvents;

  constructor(o: RedisJobQueueOptions) {
    this.#o = o;
    const connection = redisConnection(o.redisUrl);
    this.#queue = new Queue<RedisJobData>(ANALYSIS_QUEUE, { connection });
    this.#events = new QueueEvents(ANALYSIS_QUEUE, { connection });
  }

  /** Connects, listens to the jobs' events and (re)adds every study the store has queued or running. */
  async start(): Promise<void> {
    await this.#queue.waitUntilReady();
    await this.#events.waitUntilReady();
    this.#events.on('active', ({ jobId }) => {
      if (this.#o.store.markRunning(jobId))
        this.#o.audit.append({ actor: 'worker', remote: null, action: 'analysis started', studyId: jobId, outcome: 'on a Redis worker' });
    });
    this.#events.on('failed', ({ jobId, failedReason }) => void this.#gaveUp(jobId, failedReason));
    // Oldest first: the store lists newest first.
    const waiting = (['running', 'queued'] as const).flatMap((status) => this.#o.store.list({ status, limit: 100_000, offset: 0 }).studies.reverse());
    for (const s of waiting) await this.add(s.id);
    if (waiting.length > 0) this.#o.log(`openbmd serve: ${waiting.length} waiting study(ies) handed to the Redis queue`);
  }

  async add(studyId: string): Promise<void> {
    await this.#queue.add(
      'analyze',
      { studyId, serverUrl: this.#o.serverUrl },
      { jobId: studyId, attempts: this.#o.maxAttempts, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
    );
  }

  /** A failure event is final only when the job is in the failed set (BullMQ also reports attempts it will retry). */
  async #gaveUp(studyId: string, reason: string): Promise<void> {
    const job = await Job.fromId<RedisJobData>(this.#queue, studyId);
    const state = job === undefined ? 'failed' : await job.getState();
    if (state !== 'failed') return;
    const study = this.#o.store.get(studyId);
    if (study === undefined || study.status === 'done' || study.status === 'failed') return;
    this.#o.store.fail(studyId, `the analysis could not be finished by a worker (${reason})`);
    this.#o.audit.append({ actor: 'worker', remote: null, action: 'analysis ended', studyId, outcome: 'failed: worker lost' });
  }

  async stop(): Promise<void> {
    await this.#events.close();
    await this.#queue.close();
  }
}
