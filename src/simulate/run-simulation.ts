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
import { openPartialSimulation } from './partial-simulation.js';

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
  'hip_side',
] as const;

export interface SimulationResult {
  cases: SimulatedCase[];
  cohortCsv: string;
  seconds: number;
}

/**
 * Simulates a cohort over worker threads (each case seeded on its own, so the files do not depend
 * on the number of workers), shows progress with an ETA on stderr, and writes cohort.csv and
 * cohort.json (which marks the cohort as simulated). Each finished case is recorded as it comes, so
 * an interrupted run of the same job, run again, simulates only the cases still missing.
 */
export async function runSimulation(job: SimulateJob, workers: number, command: string, progress: (line: string) => void): Promise<SimulationResult> {
  if (!Number.isInteger(job.n) || job.n < 1) throw new OpenBmdError('BAD_ARGUMENT', `--n must be a positive integer, got ${job.n}`);
  resolveDevices(job);
  await mkdir(job.outDir, { recursive: true });
  const started = Date.now();
  const partial = await openPartialSimulation(job);
  const cases = new Array<SimulatedCase | undefined>(job.n);
  for (const [index, result] of partial.done) cases[index] = result;
  const pending = Array.from({ length: job.n }, (_, i) => i).filter((i) => cases[i] === undefined);
  if (partial.done.size > 0)
    progress(`simulate ${job.site}: resuming, ${partial.done.size} of ${job.n} cases were simulated by an interrupted run of this job`);
  let done = 0;
  const report = async (index: number, result: SimulatedCase): Promise<void> => {
    cases[index] = result;
    await partial.record(index, result);
    done++;
    const elapsed = (Date.now() - started) / 1000;
    const eta = (elapsed / done) * (pending.length - done);
    progress(`simulate ${job.site}: ${partial.done.size + done}/${job.n} cases, ${(elapsed / done).toFixed(2)} s/case, ETA ${formatDuration(eta)}`);
  };
  const threads = Math.max(1, Math.min(workers, pending.length, availableParallelism()));
  if (threads <= 1) {
    for (const index of pending) await report(index, await runSimulationCase(job, index));
  } else {
    await runInWorkers(job, pending, threads, report);
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
  await partial.close();
  return { cases: finished, cohortCsv, seconds: (Date.now() - started) / 1000 };
}

function runInWorkers(
  job: SimulateJob,
  pending: readonly number[],
  threads: number,
  onResult: (index: number, result: SimulatedCase) => Promise<void>,
): Promise<void> {
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
      if (next >= pending.length) {
        void worker.terminate();
        if (active === 0) resolve();
        return;
      }
      active++;
      worker.postMessage({ job, index: pending[next++]! });
    };
    for (let t = 0; t < threads; t++) {
      const worker = new Worker(new URL('./simulate-worker.js', import.meta.url));
      pool.push(worker);
      worker.on('message', (message: { index: number; result?: SimulatedCase; error?: { code: OpenBmdErrorCode; message: string } }) => {
        if (message.error !== undefined) {
          failed = true;
          stopAll();
          reject(new OpenBmdError(message.error.code, `case ${message.index + 1}: ${message.error.message}`));
          return;
        }
        // A case counts as done once it is recorded, so the run ends only after every record is written.
        onResult(message.index, message.result!).then(
          () => {
            active--;
            feed(worker);
          },
          (thrown: unknown) => {
            if (failed) return;
            failed = true;
            stopAll();
            reject(thrown instanceof Error ? thrown : new Error(String(thrown)));
          },
        );
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
