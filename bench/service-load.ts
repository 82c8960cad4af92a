/**
 * Issue 23's load test: `openbmd serve` as a whole process on loopback, N SIMULATED forearm
 * radiographs (833 x 1167, the simulator's default) posted at once, with 1 and 2 in-process worker
 * processes. Throughput (studies per minute from the first post to the last result), latency from
 * post to done (median, p95), and the peak RSS of the server and of each worker process (VmHWM).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const TOKEN = 'bench-token-0123456789abcdef';

interface LoadFigures {
  workers: number;
  studies: number;
  seconds: number;
  studiesPerMinute: number;
  latencyMedianSeconds: number;
  latencyP95Seconds: number;
  serverPeakRssMiB: number | null;
  workerPeakRssMiB: number | null;
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** VmHWM (peak resident set) of a live process, MiB; null where /proc does not say. */
function peakRssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}

function childPids(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

async function startServer(o: { dataDir: string; workers: number }): Promise<{ child: ChildProcess; url: string }> {
  rmSync(o.dataDir, { recursive: true, force: true });
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', o.dataDir, '--workers', String(o.workers), '--quiet'], {
    env: { ...process.env, OPENBMD_API_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const m = /listening on (http:\/\/[^\s]+)/.exec(text);
      if (m !== null) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`serve exited: ${text}`)));
  });
  return { child, url };
}

async function runLoad(o: { files: string[]; studies: number; workers: number; dataDir: string }): Promise<LoadFigures> {
  const { child, url } = await startServer({ dataDir: o.dataDir, workers: o.workers });
  const auth = { authorization: `Bearer ${TOKEN}` };
  try {
    const bodies = o.files.map((f) => readFileSync(f));
    const started = performance.now();
    const posted = await Promise.all(
      Array.from({ length: o.studies }, async (_, k) => {
        const r = await fetch(`${url}/api/studies`, {
          method: 'POST',
          body: bodies[k % bodies.length]!,
          headers: { ...auth, 'content-type': 'application/dicom' },
        });
        return { id: ((await r.json()) as { id: string }).id, at: performance.now() };
      }),
    );
    const doneAt = new Map<string, number>();
    let shown = -1;
    while (doneAt.size < posted.length) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const list = (await (await fetch(`${url}/api/studies?limit=500`, { headers: auth })).json()) as { studies: { id: string; status: string }[] };
      for (const s of list.studies) {
        if (s.status === 'failed') throw new Error(`study ${s.id} failed under load`);
        if (s.status === 'done' && !doneAt.has(s.id)) doneAt.set(s.id, performance.now());
      }
      if (doneAt.size !== shown) process.stderr.write(`\r  service load, ${o.workers} worker(s): ${(shown = doneAt.size)}/${posted.length} done`);
    }
    process.stderr.write('\n');
    const seconds = (Math.max(...doneAt.values()) - started) / 1000;
    const latencies = posted.map((p) => (doneAt.get(p.id)! - p.at) / 1000).sort((a, b) => a - b);
    const workers = childPids(child.pid)
      .map(peakRssMiB)
      .filter((v): v is number => v !== null);
    return {
      workers: o.workers,
      studies: o.studies,
      seconds,
      studiesPerMinute: (o.studies / seconds) * 60,
      latencyMedianSeconds: quantile(latencies, 0.5),
      latencyP95Seconds: quantile(latencies, 0.95),
      serverPeakRssMiB: peakRssMiB(child.pid),
      workerPeakRssMiB: workers.length === 0 ? null : Math.max(...workers),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export async function serviceLoadBench(o: { root: string; studies: number }): Promise<Record<string, unknown>> {
  const cohort = join(o.root, 'service-forearm');
  if (!existsSync(join(cohort, 'cohort.csv'))) {
    const r = spawnSync(process.execPath, [CLI, 'simulate', 'forearm', '--n', '4', '--seed', '23', '--out', cohort], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`service bench simulate: ${r.stderr}`);
  }
  const images = join(cohort, 'images');
  const files = readdirSync(images)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => join(images, f));
  const runs: LoadFigures[] = [];
  for (const workers of [1, 2]) runs.push(await runLoad({ files, studies: o.studies, workers, dataDir: join(o.root, `service-data-${workers}`) }));
  console.log(`\nService load on loopback: ${o.studies} SIMULATED forearm radiographs (833 x 1167) posted at once to openbmd serve (whole process)`);
  console.log('| worker processes | total s | studies/min | latency median s | latency p95 s | server peak RSS MiB | worker peak RSS MiB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of runs)
    console.log(
      `| ${r.workers} | ${r.seconds.toFixed(1)} | ${r.studiesPerMinute.toFixed(1)} | ${r.latencyMedianSeconds.toFixed(1)} | ${r.latencyP95Seconds.toFixed(1)} | ${r.serverPeakRssMiB?.toFixed(0) ?? '-'} | ${r.workerPeakRssMiB?.toFixed(0) ?? '-'} |`,
    );
  return { input: 'SIMULATED forearm radiographs 833 x 1167, posted at once as application/dicom', runs };
}
