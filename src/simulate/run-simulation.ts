import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { stringify } from 'csv-stringify/sync';
import type { OpenBmdErrorCode } from '../core/errors.js';
import { OpenBmdError } from '../core/errors.js';
import type { SimulatedCase } from './case-output.js';
import type { SimulateJob } from './simulate-job.js';
import { resolveDevices, runSimulationCase } from './simulate-job.js';

/** cohort.csv columns (DESIGN.md), in order. */
export const COHORT_COLUMNS = [
  'case_id',
  'patient_id',
  'site',
  'image',
  'image_lat',
  'ct',
  'view',
  'sex',
  'age_years',
  'height_cm',
  'weight_kg',
  'phantom',
  'forearm_abmd',
  'lumbar_abmd',
  'femneck_abmd',
  'tothip_abmd',
  'spine_vbmd',
  'hip_vbmd',
] as const;

export interface SimulationResult {
  cases: SimulatedCase[];
  cohortCsv: string;
  seconds: number;
}

/**
 * Simulates a cohort over worker threads (each case seeded on its own, so the files do not depend
 * on the number of workers), shows progress with an ETA on stderr, and writes cohort.csv and
 * cohort.json (which marks the cohort as simulated).
 */
export async function runSimulation(job: SimulateJob, workers: number, command: string, progress: (line: string) => void): Promise<SimulationResult> {
  if (!Number.isInteger(job.n) || job.n < 1) throw new OpenBmdError('BAD_ARGUMENT', `--n must be a positive integer, got ${job.n}`);
  resolveDevices(job);
  await mkdir(job.outDir, { recursive: true });
  const started = Date.now();
  const cases = new Array<SimulatedCase | undefined>(job.n);
  let done = 0;
  const report = (): void => {
    done++;
    const elapsed = (Date.now() - started) / 1000;
    const eta = (elapsed / done) * (job.n - done);
    progress(`simulate ${job.site}: ${done}/${job.n} cases, ${(elapsed / done).toFixed(2)} s/case, ETA ${formatDuration(eta)}`);
  };
  const threads = Math.max(1, Math.min(workers, job.n, availableParallelism()));
  if (threads === 1) {
    for (let index = 0; index < job.n; index++) {
      cases[index] = await runSimulationCase(job, index);
      report();
    }
  } else {
    await runInWorkers(job, threads, (index, result) => {
      cases[index] = result;
      report();
    });
  }
  const finished = cases.map((c, i) => {
    if (c === undefined) throw new OpenBmdError('INTERNAL', `case ${i + 1} was not simulated`);
    return c;
  });
  const cohortCsv = join(job.outDir, 'cohort.csv');
  const rows = finished.flatMap((c) => [c.row, ...(c.extraRows ?? [])]).map((row) => COHORT_COLUMNS.map((column) => row[column] ?? ''));
  await writeFile(cohortCsv, stringify([Array.from(COHORT_COLUMNS), ...rows]));
  await writeFile(
    join(job.outDir, 'cohort.json'),
    `${JSON.stringify(
      {
        simulated: true,
        description: `SIMULATED ${job.site} cohort of ${job.n} cases (openbmd physics-based simulator, seed ${job.seed}, vendors ${job.vendors.join(', ')}); not clinical evidence`,
        generator: command,
        site: job.site,
        seed: job.seed,
        n: job.n,
        vendors: job.vendors,
        ...(job.site === 'ct-spine' ? {} : { processing: job.processing ?? 'vendor', perImageProcessing: job.perImageProcessing === true }),
        options: { forearm: job.forearm, 'ct-spine': job.ctSpine, lumbar: job.lumbar, hip: job.hip }[job.site],
      },
      null,
      2,
    )}\n`,
  );
  return { cases: finished, cohortCsv, seconds: (Date.now() - started) / 1000 };
}

function runInWorkers(job: SimulateJob, threads: number, onResult: (index: number, result: SimulatedCase) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failed = false;
    const pool: Worker[] = [];
    const stopAll = (): void => {
      for (const w of pool) void w.terminate();
    };
    const feed = (worker: Worker): void => {
      if (failed) return;
      if (next >= job.n) {
        void worker.terminate();
        if (active === 0) resolve();
        return;
      }
      active++;
      worker.postMessage({ job, index: next++ });
    };
    for (let t = 0; t < threads; t++) {
      const worker = new Worker(new URL('./simulate-worker.js', import.meta.url));
      pool.push(worker);
      worker.on('message', (message: { index: number; result?: SimulatedCase; error?: { code: OpenBmdErrorCode; message: string } }) => {
        active--;
        if (message.error !== undefined) {
          failed = true;
          stopAll();
          reject(new OpenBmdError(message.error.code, `case ${message.index + 1}: ${message.error.message}`));
          return;
        }
        onResult(message.index, message.result!);
        feed(worker);
      });
      worker.on('error', (error) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(error);
      });
      feed(worker);
    }
  });
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
}
