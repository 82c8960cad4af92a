import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OpenBmdError } from '../core/errors.js';
import { isLoopbackHost } from './auth/loopback-host.js';
import { buildServer } from './http/build-server.js';
import { InProcessQueue } from './jobs/in-process-queue.js';
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
  say: (line: string) => void;
}

export interface RunningService {
  /** http://host:port */
  url: string;
  queue: InProcessQueue;
  /** Stops taking requests, stops the workers (their studies are queued again at the next start), closes the store. */
  close: () => Promise<void>;
}

/** `openbmd serve`: the store, the queue and its worker processes, and the HTTP API. */
export async function startService(o: StartServiceOptions): Promise<RunningService> {
  if (!isLoopbackHost(o.host) && o.token === undefined)
    throw new OpenBmdError('BAD_ARGUMENT', `will not listen on ${o.host} (beyond this machine) without OPENBMD_API_TOKEN set`);
  if (o.token !== undefined && o.token.length < 16) throw new OpenBmdError('BAD_ARGUMENT', 'OPENBMD_API_TOKEN is shorter than 16 characters');
  mkdirSync(join(o.dataDir, 'studies'), { recursive: true });
  const db = openServiceDatabase(join(o.dataDir, 'openbmd.sqlite'));
  const store = new StudyStore(db);
  const audit = new AuditLog(db);
  const queue = new InProcessQueue({
    store,
    audit,
    dataDir: o.dataDir,
    workers: o.workers,
    maxHeapMiB: o.workerHeapMiB,
    timeoutS: o.jobTimeoutS,
    maxAttempts: 3,
    log: o.say,
  });
  const app = await buildServer({
    store,
    audit,
    dataDir: o.dataDir,
    token: o.token,
    limits: { maxBytes: o.maxUploadMiB * 2 ** 20, maxFiles: o.maxUploadFiles },
    maxQueued: o.maxQueued,
    queueKind: `in-process, ${o.workers} worker process(es)`,
    onQueued: () => queue.wake(),
    progress: (id) => queue.progress(id),
    logRequests: o.logRequests,
  });
  queue.start();
  let address: string;
  try {
    address = await app.listen({ host: o.host, port: o.port });
  } catch (thrown) {
    await queue.stop();
    db.close();
    throw new OpenBmdError('BAD_ARGUMENT', `cannot listen on ${o.host}:${o.port} (${thrown instanceof Error ? thrown.message : String(thrown)})`);
  }
  o.say(`openbmd serve: listening on ${address} (data in ${o.dataDir}; ${o.token === undefined ? 'no token: loopback only' : 'bearer token required'})`);
  return {
    url: address,
    queue,
    close: async () => {
      await app.close();
      await queue.stop();
      db.close();
    },
  };
}
