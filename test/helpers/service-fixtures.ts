// What the service's tests share: the studies they post (one SIMULATED forearm radiograph, one
// SIMULATED CT series), the service's options, free loopback ports for Redis and Orthanc, and
// polling a study until it settles.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { RunningService, StartServiceOptions } from '../../src/service/start-service.js';
import { runCli } from './cli.js';

/** Simulates the two studies under `dir`: a forearm radiograph (seed 91) and a 100-slice CT series (seed 92). */
export function simulateServiceStudies(dir: string): { forearmFile: string; ctSeries: string } {
  const forearm = runCli(['simulate', 'forearm', '--n', '1', '--seed', '91', '--out', join(dir, 'forearm')], 300_000);
  assert.equal(forearm.status, 0, forearm.stderr);
  const ct = runCli(
    [
      'simulate',
      'ct-spine',
      '--n',
      '1',
      '--seed',
      '92',
      '--ct-slices',
      '100',
      '--slice-mm',
      '2.5',
      '--rod-share',
      '0',
      '--fracture-share',
      '0',
      '--out',
      join(dir, 'ct'),
    ],
    300_000,
  );
  assert.equal(ct.status, 0, ct.stderr);
  return { forearmFile: join(dir, 'forearm', 'images', 'forearm-0001.dcm'), ctSeries: join(dir, 'ct', 'images', 'ct-spine-0001') };
}

/** The service as the tests start it: loopback, any port, one worker process, quiet; `o` overrides. */
export function serviceOptions(o: Partial<StartServiceOptions> & { dataDir: string; token: string | undefined }): StartServiceOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    workers: 1,
    maxUploadMiB: 256,
    maxUploadFiles: 1000,
    maxQueued: 100,
    jobTimeoutS: 300,
    workerHeapMiB: 2048,
    logRequests: false,
    say: () => undefined,
    ...o,
  };
}

/** A TCP port free on loopback just now (for a Redis or Orthanc the test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Polls a study until `until` holds (by default: it is done or failed), and returns it. */
export async function settledStudy(o: {
  service: RunningService;
  token: string;
  id: string;
  until?: (study: Record<string, unknown>) => boolean;
  timeoutMs?: number;
}): Promise<Record<string, unknown>> {
  const until = o.until ?? ((s) => s['status'] === 'done' || s['status'] === 'failed');
  const end = Date.now() + (o.timeoutMs ?? 240_000);
  for (;;) {
    const r = await fetch(`${o.service.url}/api/studies/${o.id}`, { headers: { authorization: `Bearer ${o.token}` } });
    assert.equal(r.status, 200);
    const study = (await r.json()) as Record<string, unknown>;
    if (until(study)) return study;
    assert.ok(Date.now() < end, `study ${o.id}: ${JSON.stringify({ status: study['status'], error: study['error'], pacsStored: study['pacsStored'] })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
