// The HTTP service end to end on loopback: uploads (one DICOM file, multipart, a zip of a CT series)
// analysed by worker processes through the same driver as `openbmd analyze`, the worklist, results
// and files; authentication and the audit log; hostile uploads (garbage, a corrupt zip, a zip bomb,
// path names, oversize); a queued study surviving a restart; a worker killed mid-analysis.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { parseDicom } from '../src/io/dicom/parse-dicom.js';
import { readString } from '../src/io/dicom/dataset-values.js';
import { TAG } from '../src/io/dicom/tags.js';
import type { RunningService, StartServiceOptions } from '../src/service/start-service.js';
import { startService } from '../src/service/start-service.js';
import { runCli } from './helpers/cli.js';
import { serviceOptions, settledStudy, simulateServiceStudies } from './helpers/service-fixtures.js';
import { tempDir } from './helpers/temp-dir.js';

const TOKEN = 'test-token-0123456789abcdef';
const dir = tempDir('openbmd-service-');

const options = (o: Partial<StartServiceOptions> & { dataDir: string }): StartServiceOptions => serviceOptions({ token: TOKEN, ...o });

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

async function call(service: RunningService, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Reply> {
  const token = init.token === undefined ? TOKEN : init.token;
  const headers = new Headers(init.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  const r = await fetch(`${service.url}${path}`, { ...init, headers });
  const text = await r.text();
  return { status: r.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const dicomBody = (file: string, name: string): RequestInit => ({
  method: 'POST',
  body: readFileSync(file),
  headers: { 'content-type': 'application/dicom', 'content-disposition': `attachment; filename="${name}"` },
});

/** Polls a study until it leaves queued/running. */
const settled = (service: RunningService, id: string): Promise<Record<string, unknown>> => settledStudy({ service, token: TOKEN, id });

/** A zip archive of (name, bytes) entries, deflated, written here so the test does not depend on the unzip code it checks. */
function zipOf(entries: { name: string; bytes: Uint8Array; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = deflateRawSync(e.bytes);
    const name = Buffer.from(e.name);
    const crc = crc32(e.bytes);
    const size = e.declaredSize ?? e.bytes.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('openbmd serve', () => {
  let forearmFile: string;
  let ctSeries: string;
  let service: RunningService;
  const dataDir = join(dir, 'data');

  before(async () => {
    ({ forearmFile, ctSeries } = simulateServiceStudies(dir));
    service = await startService(options({ dataDir }));
  });
  after(async () => service?.close());

  test('health answers; every other /api request needs the bearer token (401) and is audited', async () => {
    const health = await call(service, '/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.json['status'], 'ok');
    assert.equal((await call(service, '/api/studies', { token: null })).status, 401);
    assert.equal((await call(service, '/api/studies', { token: 'wrong-token-0123456789' })).status, 401);
    assert.equal((await call(service, '/api/studies', dicomBody(forearmFile, 'x.dcm') && { token: null, method: 'POST' })).status, 401);
    assert.equal((await call(service, '/api/studies')).status, 200);
    const audit = (await call(service, '/api/audit?limit=20')).json['entries'] as { actor: string; action: string; outcome: string }[];
    assert.ok(audit.some((e) => e.actor === 'unauthenticated' && e.outcome === '401' && e.action === 'POST /api/studies'));
    assert.ok(audit.some((e) => /^token:[0-9a-f]{10}$/.test(e.actor) && e.action === 'GET /api/studies' && e.outcome === '200'));
    assert.ok(!JSON.stringify(audit).includes(TOKEN), 'the token itself is never logged');
  });

  test('a forearm radiograph (application/dicom) is analysed as `openbmd analyze` does it, and its files are served', async () => {
    const posted = await call(service, '/api/studies?age=70&sex=F', dicomBody(forearmFile, 'forearm-0001.dcm'));
    assert.equal(posted.status, 202);
    const id = posted.json['id'] as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const study = await settled(service, id);
    assert.equal(study['status'], 'done', String(study['error']));
    assert.equal(study['site'], 'forearm');
    assert.equal(study['patientId'], 'SIM091-00001');
    assert.equal(study['simulated'], true);
    const result = study['result'] as {
      measurements: { column: string; value: number }[];
      person: { ageYears: number; sex: string };
      input: { names: string[] };
    };
    assert.deepEqual(result.input.names, ['forearm-0001.dcm']);
    assert.equal(result.person.ageYears, 70);
    // The CLI on the same file with the same person gives the same number: one driver, no copy.
    const cli = runCli(['analyze', forearmFile, '--age', '70', '--sex', 'F', '--out', join(dir, 'cli-forearm'), '--json'], 300_000);
    assert.equal(cli.status, 0, cli.stderr);
    const cliEnvelope = JSON.parse(cli.stdout) as typeof result;
    assert.equal(result.measurements[0]!.column, 'forearm_abmd');
    assert.ok(Math.abs(result.measurements[0]!.value - cliEnvelope.measurements[0]!.value) < 1e-9);
    assert.ok(result.measurements[0]!.value > 0.2 && result.measurements[0]!.value < 1.2);

    const files = study['files'] as string[];
    assert.deepEqual([...files].sort(), ['overlay-sc.dcm', 'overlay.png', 'report.pdf', 'result.json']);
    const png = await fetch(`${service.url}/api/studies/${id}/files/overlay.png`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const pdf = await fetch(`${service.url}/api/studies/${id}/files/report.pdf`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );
    const sc = await fetch(`${service.url}/api/studies/${id}/files/overlay-sc.dcm`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const scSet = parseDicom(new Uint8Array(await sc.arrayBuffer()), 'overlay-sc.dcm').dataSet;
    const source = parseDicom(new Uint8Array(readFileSync(forearmFile)), 'source').dataSet;
    // The Secondary Capture files into the source study with the source's patient.
    assert.equal(readString(scSet, TAG.studyInstanceUid), readString(source, TAG.studyInstanceUid));
    assert.equal(readString(scSet, TAG.patientId), readString(source, TAG.patientId));
    // Only listed output names are served.
    assert.equal((await call(service, `/api/studies/${id}/files/..%2Fopenbmd.sqlite`)).status, 404);
    assert.equal((await call(service, `/api/studies/${id}/files/cohort.csv`)).status, 404);
    assert.equal((await call(service, '/api/studies/not-an-id')).status, 404);
  });

  test('a CT series as a zip, and as multipart slices, is analysed by the CT pipeline (SR and SEG served)', async () => {
    const slices = readdirSync(ctSeries).sort();
    const zipped = zipOf(slices.map((name) => ({ name: `series/${name}`, bytes: readFileSync(join(ctSeries, name)) })));
    const posted = await call(service, '/api/studies', { method: 'POST', body: zipped, headers: { 'content-type': 'application/zip' } });
    assert.equal(posted.status, 202);
    const form = new FormData();
    form.set('site', 'ct-spine');
    for (const name of slices) form.append('files', new Blob([readFileSync(join(ctSeries, name))]), name);
    const multi = await call(service, '/api/studies', { method: 'POST', body: form });
    assert.equal(multi.status, 202);
    const values: number[] = [];
    for (const id of [posted.json['id'] as string, multi.json['id'] as string]) {
      const study = await settled(service, id);
      assert.equal(study['status'], 'done', String(study['error']));
      assert.equal(study['site'], 'ct-spine');
      assert.equal(study['modality'], 'CT');
      assert.equal((study['uploadedFiles'] as string[]).length, slices.length);
      const files = study['files'] as string[];
      for (const f of ['result.json', 'overlay.png', 'report.pdf', 'overlay-sc.dcm', 'segmentation.dcm', 'measurements-sr.dcm'])
        assert.ok(files.includes(f), f);
      const result = study['result'] as { measurements: { value: number | null }[] };
      values.push(result.measurements[0]!.value!);
    }
    assert.ok(Math.abs(values[0]! - values[1]!) < 1e-9, `the same series gives the same vBMD either way (${values.join(' vs ')})`);
    // The viewer's source image: the middle slice in HU, air and bone where they belong.
    const source = await fetch(`${service.url}/api/studies/${posted.json['id'] as string}/source`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(source.status, 200);
    assert.equal(source.headers.get('x-unit'), 'HU');
    assert.equal(decodeURIComponent(source.headers.get('x-source') ?? ''), `slice 51 of ${slices.length} (ct-0051.dcm)`);
    const hu = new Float32Array(await source.arrayBuffer());
    assert.equal(hu.length, Number(source.headers.get('x-columns')) * Number(source.headers.get('x-rows')));
    const sorted = [...hu].sort((a, b) => a - b);
    assert.ok(sorted[Math.floor(0.02 * sorted.length)]! < -900, `air ${sorted[Math.floor(0.02 * sorted.length)]}`);
    assert.ok(sorted[Math.floor(0.999 * sorted.length)]! > 200, `bone ${sorted[Math.floor(0.999 * sorted.length)]}`);
    assert.equal(source.headers.get('x-slice'), `50/${slices.length}`);
    const first = await fetch(`${service.url}/api/studies/${posted.json['id'] as string}/source?slice=0`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(first.headers.get('x-slice'), `0/${slices.length}`);
    assert.equal(decodeURIComponent(first.headers.get('x-source') ?? ''), `slice 1 of ${slices.length} (ct-0001.dcm)`);
  });

  test('garbage, a corrupt zip and a hostile file name end as failed studies with the reason; the server keeps serving', async () => {
    const garbage = await call(service, '/api/studies', {
      method: 'POST',
      body: Buffer.from('this is not a DICOM file'.repeat(40)),
      headers: { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="notes.txt"' },
    });
    assert.equal(garbage.status, 202);
    const failed = await settled(service, garbage.json['id'] as string);
    assert.equal(failed['status'], 'failed');
    assert.match(String(failed['error']), /^notes\.txt: not a DICOM file/);
    assert.ok(!String(failed['error']).includes(dataDir), 'no server path in the message');

    const badZip = await call(service, '/api/studies', {
      method: 'POST',
      body: Buffer.from('PK\u0003\u0004 and nothing else'),
      headers: { 'content-type': 'application/zip' },
    });
    assert.equal(badZip.status, 202);
    assert.equal(badZip.json['status'], 'failed');
    assert.match(String((await call(service, `/api/studies/${badZip.json['id'] as string}`)).json['error']), /is not a readable zip/);

    const form = new FormData();
    form.append('file', new Blob([readFileSync(forearmFile)]), '../../../escape<script>.dcm');
    const hostile = await call(service, '/api/studies', { method: 'POST', body: form });
    assert.equal(hostile.status, 202);
    const study = await settled(service, hostile.json['id'] as string);
    assert.deepEqual(study['uploadedFiles'], ['escape_script_.dcm']);
    assert.equal(study['status'], 'done', String(study['error']));
    assert.ok(!existsSync(join(dir, 'escape<script>.dcm')) && !existsSync(join(dataDir, 'escape_script_.dcm')));

    assert.equal((await call(service, '/api/studies?site=nowhere', dicomBody(forearmFile, 'a.dcm'))).status, 400);
    assert.equal((await call(service, '/api/studies', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } })).status, 415);
    assert.equal((await call(service, '/api/health')).status, 200);
    const worklist = await call(service, '/api/studies?status=failed');
    assert.equal(worklist.json['total'], 2);
  });
});

describe('openbmd serve: limits, restart, lost workers, loopback', () => {
  test('an upload over the size limit, and a zip bomb, are answered 413 and leave nothing behind', async () => {
    const dataDir = join(dir, 'limits');
    const service = await startService(options({ dataDir, maxUploadMiB: 1, workers: 0 }));
    try {
      const big = await call(service, '/api/studies', { method: 'POST', body: new Uint8Array(3 * 2 ** 20), headers: { 'content-type': 'application/dicom' } });
      assert.equal(big.status, 413);
      // Sent chunked, without a Content-Length: the bytes are counted as they are written.
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 12; i++) controller.enqueue(new Uint8Array(256 * 1024));
          controller.close();
        },
      });
      const chunked = await call(service, '/api/studies', {
        method: 'POST',
        body: chunks,
        headers: { 'content-type': 'application/dicom' },
        duplex: 'half',
      } as RequestInit);
      assert.equal(chunked.status, 413);
      assert.match(String(chunked.json['error']), /larger than 1 MiB/);
      const zeros = new Uint8Array(64 * 2 ** 20);
      const bomb = zipOf([{ name: 'a.dcm', bytes: zeros }]);
      assert.ok(bomb.length < 200_000);
      assert.equal((await call(service, '/api/studies', { method: 'POST', body: bomb, headers: { 'content-type': 'application/zip' } })).status, 413);
      // The same bomb declaring a small size: the inflated bytes are counted, not the declaration.
      const liar = zipOf([{ name: 'a.dcm', bytes: zeros, declaredSize: 1000 }]);
      const lied = await call(service, '/api/studies', { method: 'POST', body: liar, headers: { 'content-type': 'application/zip' } });
      assert.equal(lied.status, 202, JSON.stringify(lied.json));
      assert.equal(lied.json['status'], 'failed');
      const liedStudy = await call(service, `/api/studies/${lied.json['id'] as string}`);
      assert.match(String(liedStudy.json['error']), /is not a readable zip \(.*too many bytes|is not a readable zip/);
      assert.equal(readdirSync(join(dataDir, 'studies')).length, 1, 'only the failed study is kept');
      assert.equal((await call(service, '/api/health')).status, 200);
    } finally {
      await service.close();
    }
  });

  test('a queued study survives a restart; uploads past --max-queued are answered 503', async () => {
    const dataDir = join(dir, 'restart');
    const forearm = join(dir, 'forearm', 'images', 'forearm-0001.dcm');
    const first = await startService(options({ dataDir, workers: 0, maxQueued: 1 }));
    const posted = await call(first, '/api/studies', dicomBody(forearm, 'f.dcm'));
    assert.equal(posted.status, 202);
    const refused = await call(first, '/api/studies', dicomBody(forearm, 'g.dcm'));
    assert.equal(refused.status, 503);
    await first.close();
    const second = await startService(options({ dataDir, workers: 1 }));
    try {
      const study = await settled(second, posted.json['id'] as string);
      assert.equal(study['status'], 'done', String(study['error']));
    } finally {
      await second.close();
    }
  });

  test('a worker killed mid-analysis loses nothing: the study is run again and finished once', async () => {
    const dataDir = join(dir, 'killed');
    const service = await startService(options({ dataDir, workers: 1 }));
    try {
      const ct = join(dir, 'ct', 'images', 'ct-spine-0001');
      const form = new FormData();
      for (const name of readdirSync(ct).sort()) form.append('files', new Blob([readFileSync(join(ct, name))]), name);
      const posted = await call(service, '/api/studies', { method: 'POST', body: form });
      const id = posted.json['id'] as string;
      for (let i = 0; (await call(service, `/api/studies/${id}`)).json['status'] !== 'running'; i++) {
        assert.ok(i < 2000, 'the study never started');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const pid = service.queue!.workerPids()[0];
      assert.ok(pid !== undefined);
      process.kill(pid, 'SIGKILL');
      const study = await settled(service, id);
      assert.equal(study['status'], 'done', String(study['error']));
      assert.equal(study['attempts'], 2);
      const audit = (await call(service, `/api/audit?study=${id}`)).json['entries'] as { action: string; outcome: string }[];
      assert.equal(audit.filter((e) => e.action === 'analysis ended' && e.outcome.startsWith('done')).length, 1);
      assert.equal(audit.filter((e) => e.outcome.startsWith('worker lost')).length, 1);
    } finally {
      await service.close();
    }
  });

  test('the service will not listen beyond loopback without a token', async () => {
    await assert.rejects(startService(options({ dataDir: join(dir, 'open'), host: '0.0.0.0', token: undefined })), /without OPENBMD_API_TOKEN/);
    const probe = execFileSync(process.execPath, ['-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
    assert.equal(probe, 'ok');
  });
});
