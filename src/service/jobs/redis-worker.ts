import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { Worker } from 'bullmq';
import type { StudyRequestFields } from '../store/study-record.js';
import type { JobEnd } from './analysis-process.js';
import { AnalysisProcess } from './analysis-process.js';
import type { RedisJobData } from './redis-connection.js';
import { ANALYSIS_QUEUE, redisConnection } from './redis-connection.js';
import { timedOutMessage } from './record-job-end.js';

export interface RedisWorkerOptions {
  redisUrl: string;
  /** OPENBMD_API_TOKEN of the servers whose studies this worker runs. */
  token: string | undefined;
  /** Analyses at once, each in its own process. */
  concurrency: number;
  maxHeapMiB: number;
  timeoutS: number;
  /** How long a job's lock lasts without renewal; a worker that dies loses its job to another after about this long. */
  lockS: number;
  say: (line: string) => void;
}

export interface RunningWorker {
  close: () => Promise<void>;
}

/** Names the server gives stored files; anything else is not written here. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

interface StudyForWorker {
  status: string;
  uploadedFiles: string[];
  requested: { site: string | null; age: number | null; sex: 'F' | 'M' | null; side: 'left' | 'right' | null };
}

/**
 * `openbmd worker --redis URL`: takes analysis jobs from Redis, fetches each study's files from its
 * server, analyses them in a worker process (the same driver as `openbmd analyze`) and posts the
 * outcome and output files back. A job whose process dies is thrown back to BullMQ, which gives it
 * to a worker again; one whose worker dies is found stalled and run again by another.
 */
export async function startRedisWorker(o: RedisWorkerOptions): Promise<RunningWorker> {
  const idle = Array.from(
    { length: o.concurrency },
    () => new AnalysisProcess({ maxHeapMiB: o.maxHeapMiB, timeoutS: o.timeoutS, onProgress: () => undefined }),
  );
  const all = [...idle];
  const headers = (): Record<string, string> => (o.token === undefined ? {} : { authorization: `Bearer ${o.token}` });

  const server = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const r = await fetch(url, { ...init, headers: { ...headers(), ...(init.headers as Record<string, string> | undefined) } });
    if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${r.status} ${await r.text()}`);
    return r;
  };

  const processJob = async (job: Job<RedisJobData>): Promise<string> => {
    const { studyId, serverUrl } = job.data;
    const base = `${serverUrl}/api`;
    const study = (await (await server(`${base}/studies/${studyId}`)).json()) as StudyForWorker;
    if (study.status === 'done' || study.status === 'failed') return `already ${study.status}`;
    const work = mkdtempSync(join(tmpdir(), 'openbmd-worker-'));
    const analysis = idle.pop();
    if (analysis === undefined) throw new Error('no idle analysis process (concurrency exceeded)');
    try {
      const inputDir = join(work, 'input');
      const outDir = join(work, 'out');
      mkdirSync(inputDir);
      for (const name of study.uploadedFiles) {
        if (!SAFE_NAME.test(name)) throw new Error(`the server listed an unsafe file name '${name}'`);
        const r = await server(`${base}/worker/studies/${studyId}/input/${encodeURIComponent(name)}`);
        writeFileSync(join(inputDir, name), new Uint8Array(await r.arrayBuffer()));
      }
      const requested: StudyRequestFields = {
        site: study.requested.site ?? undefined,
        ageYears: study.requested.age ?? undefined,
        sex: study.requested.sex ?? undefined,
        side: study.requested.side ?? undefined,
      };
      o.say(`openbmd worker: study ${studyId} (${study.uploadedFiles.length} file(s)), attempt ${job.attemptsMade + 1}`);
      const end: JobEnd = await analysis.run({ studyId, inputDir, names: study.uploadedFiles, outDir, requested });
      if (end.kind === 'lost') throw new Error(`the analysis process died (${end.why})`);
      const reply = end.kind === 'timed-out' ? { kind: 'failed' as const, studyId, message: timedOutMessage(end.seconds), badInput: false } : end;
      const form = new FormData();
      // The reply travels as a file part: the envelope is larger than a form field may be.
      form.set('reply', new Blob([JSON.stringify(reply)], { type: 'application/json' }), 'reply.json');
      if (reply.kind === 'done')
        for (const name of reply.outcome.files) form.append('files', new Blob([new Uint8Array(readFileSync(join(outDir, name)))]), name);
      await server(`${base}/worker/studies/${studyId}/outcome`, { method: 'POST', body: form });
      o.say(`openbmd worker: study ${studyId} ${reply.kind}`);
      return reply.kind;
    } finally {
      idle.push(analysis);
      rmSync(work, { recursive: true, force: true });
    }
  };

  const worker = new Worker<RedisJobData, string>(ANALYSIS_QUEUE, processJob, {
    connection: redisConnection(o.redisUrl),
    concurrency: o.concurrency,
    lockDuration: o.lockS * 1000,
    stalledInterval: Math.max(1000, (o.lockS * 1000) / 2),
    maxStalledCount: 2,
  });
  worker.on('error', (e) => o.say(`openbmd worker: ${e.message}`));
  worker.on('failed', (job, e) => o.say(`openbmd worker: study ${job?.data.studyId ?? '?'} attempt failed (${e.message})`));
  await worker.waitUntilReady();
  o.say(`openbmd worker: taking analyses from ${o.redisUrl} (${o.concurrency} at once)`);
  return {
    close: async () => {
      await worker.close();
      for (const p of all) p.stop();
    },
  };
}
