import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OpenBmdError } from '../core/errors.js';
import { isLoopbackHost } from './auth/loopback-host.js';
import { buildServer } from './http/build-server.js';
import { InProcessQueue } from './jobs/in-process-queue.js';
import { RedisJobQueue } from './jobs/redis-job-queue.js';
import { DicomWebClient } from './pacs/dicomweb-client.js';
import { PacsExchange } from './pacs/pacs-exchange.js';
import { AuditLog } from './store/audit-log.js';
import { openServiceDatabase } from './store/service-database.js';
import { StudyStore } from './store/study-store.js';

export interface StartServiceOptions {
  host: string;
  port: number;
  /** Where the SQLite store and the studies' files live. */
  dataDir: string;
  /** OPENBMD_API_TOKEN; required to listen beyond loopback. */
  token: string | undefined;
  workers: number;
  maxUploadMiB: number;
  maxUploadFiles: number;
  maxQueued: number;
  jobTimeoutS: number;
  workerHeapMiB: number;
  logRequests: boolean;
  /** redis:// URL: analyses go through BullMQ to `openbmd worker` processes instead of in-process workers. */
  redisUrl?: string | undefined;
  /** The URL workers reach this server at (default: the address it listens on). */
  publicUrl?: string | undefined;
  /** DICOMweb root of the PACS studies are pulled from and results stored back to. */
  pacsUrl?: string | undefined;
  /** Authorization header value for the PACS (from OPENBMD_PACS_AUTHORIZATION). */
  pacsAuthorization?: string | undefined;
  /** Poll the PACS every this many seconds for studies not pulled yet (absent: pull on request only). */
  pacsPollS?: number | undefined;
  /** QIDO-RS matching keys of the poll, e.g. { ModalitiesInStudy: 'CT' }. */
  pacsPollQuery?: Record<string, string> | undefined;
  say: (line: string) => void;
}

export interface RunningService {
  /** http://host:port */
  url: string;
  /** The in-process queue; undefined with Redis. */
  queue: InProcessQueue | undefined;
  /** Stops taking requests, stops the workers (their studies are queued again at the next start), closes the store. */
  close: () => Promise<void>;
}

/** How long the server waits for Redis at start before it gives up. */
const REDIS_START_S = 15;

function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Starts of one study's analysis before a study whose worker keeps dying is failed. */
const MAX_ATTEMPTS = 3;

/** `openbmd serve`: the store, the queue and its worker processes, and the HTTP API. */
export async function startService(o: StartServiceOptions): Promise<RunningService> {
  if (!isLoopbackHost(o.host) && o.token === undefined)
    throw new OpenBmdError('BAD_ARGUMENT', `will not listen on ${o.host} (beyond this machine) without OPENBMD_API_TOKEN set`);
  if (o.token !== undefined && o.token.length < 16) throw new OpenBmdError('BAD_ARGUMENT', 'OPENBMD_API_TOKEN is shorter than 16 characters');
  mkdirSync(join(o.dataDir, 'studies'), { recursive: true });
  const db = openServiceDatabase(join(o.dataDir, 'openbmd.sqlite'));
  const store = new StudyStore(db);
  const audit = new AuditLog(db);
  let redis: RedisJobQueue | undefined;
  let pacs: PacsExchange | undefined;
  const onDone = (id: string): void => void pacs?.storeBack(id);
  const queue =
    o.redisUrl === undefined
      ? new InProcessQueue({
          store,
          audit,
          dataDir: o.dataDir,
          workers: o.workers,
          maxHeapMiB: o.workerHeapMiB,
          timeoutS: o.jobTimeoutS,
          maxAttempts: MAX_ATTEMPTS,
          log: o.say,
          onDone,
        })
      : undefined;
  const onQueued = (id: string): void => {
    queue?.wake();
    // A study Redis did not take stays queued in the store and is handed over at the next start.
    redis?.add(id).catch((e: unknown) => o.say(`openbmd serve: study ${id} not handed to Redis (${e instanceof Error ? e.message : String(e)})`));
  };
  const maxBytes = o.maxUploadMiB * 2 ** 20;
  if (o.pacsUrl !== undefined)
    pacs = new PacsExchange({
      client: new DicomWebClient({ baseUrl: o.pacsUrl, authorization: o.pacsAuthorization, maxResponseBytes: maxBytes, timeoutS: 120 }),
      store,
      audit,
      dataDir: o.dataDir,
      maxBytes,
      onQueued,
      log: o.say,
    });
  const app = await buildServer({
    store,
    audit,
    dataDir: o.dataDir,
    token: o.token,
    limits: { maxBytes, maxFiles: o.maxUploadFiles },
    maxQueued: o.maxQueued,
    queueKind: queue === undefined ? 'redis (openbmd worker processes)' : `in-process, ${o.workers} worker process(es)`,
    onQueued,
    onDone,
    pacs,
    progress: (id) => queue?.progress(id),
    logRequests: o.logRequests,
    remoteWorkers: o.redisUrl === undefined ? undefined : { maxAttempts: MAX_ATTEMPTS },
  });
  queue?.start();
  let address: string;
  try {
    address = await app.listen({ host: o.host, port: o.port });
  } catch (thrown) {
    await queue?.stop();
    db.close();
    throw new OpenBmdError('BAD_ARGUMENT', `cannot listen on ${o.host}:${o.port} (${thrown instanceof Error ? thrown.message : String(thrown)})`);
  }
  if (o.redisUrl !== undefined) {
    redis = new RedisJobQueue({ redisUrl: o.redisUrl, store, audit, serverUrl: o.publicUrl ?? address, maxAttempts: MAX_ATTEMPTS, log: o.say });
    try {
      await withinSeconds(REDIS_START_S, redis.start());
    } catch (thrown) {
      await app.close();
      await redis.stop().catch(() => undefined);
      db.close();
      throw new OpenBmdError('BAD_ARGUMENT', `cannot use Redis at ${o.redisUrl} (${thrown instanceof Error ? thrown.message : String(thrown)})`);
    }
  }
  if (pacs !== undefined && o.pacsPollS !== undefined) pacs.startPolling({ intervalS: o.pacsPollS, query: o.pacsPollQuery ?? {} });
  o.say(`openbmd serve: listening on ${address} (data in ${o.dataDir}; ${o.token === undefined ? 'no token: loopback only' : 'bearer token required'})`);
  return {
    url: address,
    queue,
    close: async () => {
      pacs?.stopPolling();
      await app.close();
      await queue?.stop();
      await redis?.stop();
      db.close();
    },
  };
}
