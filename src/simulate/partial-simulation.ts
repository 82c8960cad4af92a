import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDataPath } from '../core/package-paths.js';
import type { SimulatedCase } from './case-output.js';
import type { SimulateJob } from './simulate-job.js';

/**
 * An unfinished `simulate` run's record, inside its output folder: the job's fingerprint and each
 * finished case's cohort row. Cases are seeded one by one, so a rerun of the same job (same options,
 * same code) simulates only the cases still missing and writes the same cohort as an uninterrupted
 * run; hours of simulation are not lost to a stopped process. Removed when the cohort is written.
 */
const PARTIAL_DIR = '.simulate-partial';
const JOB_FILE = 'job.json';

const caseFile = (index: number): string => `case-${String(index).padStart(6, '0')}.json`;
const CASE_FILE_PATTERN = /^case-(\d{6})\.json$/;

/** Every file under `root`, in a fixed order. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk(root);
  return out;
}

const RELATIVE_IMPORT = /(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+\.js)'/g;

/** The simulator's own modules: the worker's and this folder's run, and everything they import (relative imports, followed). */
function simulatorModules(): string[] {
  const seen = new Set<string>();
  const queue = ['./simulate-worker.js', './run-simulation.js'].map((m) => fileURLToPath(new URL(m, import.meta.url)));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) queue.push(join(dirname(file), match[1]!));
  }
  return [...seen].sort();
}

let codeHash: string | undefined;

/** The code and data the simulator runs on (its modules as built, and the package's data/): the same bytes, the same cases. */
function simulatorCodeHash(): string {
  if (codeHash !== undefined) return codeHash;
  const hash = createHash('sha256');
  const codeRoot = fileURLToPath(new URL('..', import.meta.url));
  for (const file of simulatorModules()) hash.update(relative(codeRoot, file)).update(readFileSync(file));
  for (const file of filesUnder(packageDataPath())) hash.update(relative(packageDataPath(), file)).update(readFileSync(file));
  codeHash = hash.digest('hex');
  return codeHash;
}

/** What makes two runs' cases interchangeable: every option but the output folder, and the simulator's code and data. */
export function simulationFingerprint(job: SimulateJob): string {
  const options = { ...job, outDir: undefined };
  return createHash('sha256')
    .update(JSON.stringify({ options, code: simulatorCodeHash() }))
    .digest('hex');
}

export interface PartialSimulation {
  /** Cases an earlier run of the same job finished, by index. */
  done: Map<number, SimulatedCase>;
  /** Saves one finished case (written whole, then renamed, so a stop mid-write leaves no half case). */
  record(index: number, result: SimulatedCase): Promise<void>;
  /** Removes the record once the cohort is written. */
  close(): Promise<void>;
}

/**
 * Opens the output folder's record: the cases of an earlier run with the same fingerprint are read
 * back; a record of another job (other options or code) is discarded, since its cases would not be
 * this job's. A case file that cannot be read is simulated again.
 */
export async function openPartialSimulation(job: SimulateJob): Promise<PartialSimulation> {
  const dir = join(job.outDir, PARTIAL_DIR);
  const fingerprint = simulationFingerprint(job);
  const done = new Map<number, SimulatedCase>();
  const recorded = await readFile(join(dir, JOB_FILE), 'utf8').then(
    (text) => (JSON.parse(text) as { fingerprint?: unknown }).fingerprint,
    () => undefined,
  );
  if (recorded === fingerprint) {
    for (const name of await readdir(dir)) {
      const match = CASE_FILE_PATTERN.exec(name);
      if (match === null) continue;
      const index = Number(match[1]);
      if (index >= job.n) continue;
      try {
        const result = JSON.parse(await readFile(join(dir, name), 'utf8')) as SimulatedCase;
        if (typeof result.row === 'object' && result.row !== null) done.set(index, result);
      } catch {
        // Unreadable: that case is simulated again.
      }
    }
  } else {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, JOB_FILE), `${JSON.stringify({ fingerprint, site: job.site, n: job.n, seed: job.seed })}\n`);
  }
  return {
    done,
    async record(index, result) {
      const path = join(dir, caseFile(index));
      await writeFile(`${path}.tmp`, JSON.stringify(result));
      await rename(`${path}.tmp`, path);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
