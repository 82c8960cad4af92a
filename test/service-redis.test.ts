// Scale-out on Redis: `openbmd serve --redis` hands studies to BullMQ and two `openbmd worker`
// processes run them, fetching inputs from the server and posting outcomes back. A worker killed
// mid-analysis loses nothing: its job is found stalled and finished once by the other.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningService } from '../src/service/start-service.js';
import { startService } from '../src/service/start-service.js';
import { CLI_PATH, runCli } from './helpers/cli.js';
import { freePort, serviceOptions, settledStudy, simulateServiceStudies } from './helpers/service-fixtures.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const TOKEN = 'redis-test-token-0123456789';
const skip = announceSkip(commandMissing('redis-server', 'redis-server'));

interface Worker {
  child: ChildProcess;
  log: string[];
}

function startWorker(redisUrl: string): Worker {
  const child = spawn(process.execPath, [CLI_PATH, 'worker', '--redis', redisUrl, '--lock-s', '4'], {
    env: { ...process.env, OPENBMD_API_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  // Whole lines only: a chunk may end inside one.
  let partial = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    log.push(...lines.filter((l) => l !== ''));
  });
  return { child, log };
}

async function api(service: RunningService, path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const r = await fetch(`${service.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string> | undefined) },
  });
  assert.ok(r.status < 300, `${path}: HTTP ${r.status}`);
  return (await r.json()) as Record<string, unknown>;
}

const settled = (service: RunningService, id: string): Promise<Record<string, unknown>> => settledStudy({ service, token: TOKEN, id, timeoutMs: 180_000 });

describe('openbmd serve --redis with openbmd worker processes', { skip }, () => {
  const dir = tempDir('openbmd-redis-');
  let redis: ChildProcess;
  let service: RunningService;
  let redisUrl = '';
  const workers: Worker[] = [];
  let ctSlices: string[] = [];
  const ctSeries = join(dir, 'ct', 'images', 'ct-spine-0001');
  const forearm = join(dir, 'forearm', 'images', 'forearm-0001.dcm');

  const postCt = async (): Promise<string> => {
    const form = new FormData();
    for (const name of ctSlices) form.append('files', new Blob([readFileSync(join(ctSeries, name))]), name);
    return (await api(service, '/api/studies', { method: 'POST', body: form }))['id'] as string;
  };

  before(async () => {
    simulateServiceStudies(dir);
    ctSlices = readdirSync(ctSeries).sort();
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    redisUrl = `redis://127.0.0.1:${port}`;
    service = await startService(serviceOptions({ dataDir: join(dir, 'data'), token: TOKEN, workers: 0, redisUrl }));
    workers.push(startWorker(redisUrl), startWorker(redisUrl));
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await service?.close();
    redis?.kill('SIGKILL');
  });

  test('studies posted to the server are analysed by the workers and their files served', async () => {
    const health = await api(service, '/api/health');
    assert.match(String(health['queue']), /^redis/);
    const ids = [
      (await api(service, '/api/studies?age=70&sex=F', { method: 'POST', body: readFileSync(forearm), headers: { 'content-type': 'application/dicom' } }))[
        'id'
      ] as string,
      await postCt(),
    ];
    const [fa, ct] = [await settled(service, ids[0]!), await settled(service, ids[1]!)];
    assert.equal(fa['status'], 'done', String(fa['error']));
    assert.equal(ct['status'], 'done', String(ct['error']));
    assert.equal(fa['site'], 'forearm');
    assert.equal(ct['site'], 'ct-spine');
    for (const f of ['segmentation.dcm', 'measurements-sr.dcm', 'overlay.png']) assert.ok((ct['files'] as string[]).includes(f), f);
    const sr = await fetch(`${service.url}/api/studies/${ids[1]!}/files/measurements-sr.dcm`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(sr.status, 200);
    assert.ok((await sr.arrayBuffer()).byteLength > 1000);
    // The CLI on the same forearm file gives the same number.
    const cli = runCli(['analyze', forearm, '--age', '70', '--sex', 'F', '--out', join(dir, 'cli'), '--json'], 300_000);
    const cliValue = (JSON.parse(cli.stdout) as { measurements: { value: number }[] }).measurements[0]!.value;
    const value = (fa['result'] as { measurements: { value: number }[] }).measurements[0]!.value;
    assert.ok(Math.abs(value - cliValue) < 1e-9);
  });

  test('a worker killed mid-analysis: the other finishes the study, once', async () => {
    // On a busy machine this process may see a worker take the study only after it has finished it;
    // then the kill tested nothing, and the study is posted again to a fresh worker (three tries).
    for (let attempt = 1; ; attempt++) {
      const id = await postCt();
      const doneLine = `openbmd worker: study ${id} done`;
      let victim: Worker | undefined;
      for (let i = 0; victim === undefined; i++) {
        assert.ok(i < 3000, 'no worker took the study');
        victim = workers.find((w) => w.log.some((l) => l.includes(`study ${id}`)));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const closed = new Promise((resolve) => victim.child.once('close', resolve));
      victim.child.kill('SIGKILL');
      await closed;
      if (victim.log.includes(doneLine)) {
        assert.ok(attempt < 3, 'three times the worker finished the study before it was killed');
        await settled(service, id);
        workers.splice(workers.indexOf(victim), 1, startWorker(redisUrl));
        continue;
      }
      const study = await settled(service, id);
      assert.equal(study['status'], 'done', String(study['error']));
      const survivor = workers.find((w) => w !== victim)!;
      // The worker records the study as done before it prints so.
      for (let i = 0; i < 500 && !survivor.log.includes(doneLine); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(survivor.log.includes(doneLine), survivor.log.join('\n'));
      const audit = (await api(service, `/api/audit?study=${id}`))['entries'] as { action: string; outcome: string }[];
      assert.equal(audit.filter((e) => e.action === 'analysis ended').length, 1, JSON.stringify(audit));
      assert.ok((study['attempts'] as number) >= 2);
      return;
    }
  });
});
