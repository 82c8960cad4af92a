// The service beside a real PACS: Orthanc with its DICOMweb plugin, started here on loopback. A
// study stored in Orthanc (STOW-RS) is found (QIDO-RS), pulled (WADO-RS) on request and by polling,
// analysed, and its SR, SEG and Secondary Capture are stored back into the same study, where they
// pass dciodvfy and carry the source's patient and study.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readString } from '../src/io/dicom/dataset-values.js';
import { parseDicom } from '../src/io/dicom/parse-dicom.js';
import { TAG } from '../src/io/dicom/tags.js';
import { DICOM_JSON_TAG, DicomWebClient, jsonString } from '../src/service/pacs/dicomweb-client.js';
import type { RunningService, StartServiceOptions } from '../src/service/start-service.js';
import { startService } from '../src/service/start-service.js';
import { freePort, serviceOptions, settledStudy, simulateServiceStudies } from './helpers/service-fixtures.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const TOKEN = 'pacs-test-token-0123456789';
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const skip = announceSkip(
  commandMissing('Orthanc', 'orthanc') ??
    (existsSync(DICOMWEB_PLUGIN) ? undefined : `SKIPPED: ${DICOMWEB_PLUGIN} not found (apt-get install orthanc-dicomweb; .ci/run does)`),
);
const skipDciodvfy = commandMissing('dciodvfy', 'dicom3tools');

async function api(service: RunningService, path: string, init: RequestInit = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${service.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

const settled = (service: RunningService, id: string, until: (s: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> =>
  settledStudy({ service, token: TOKEN, id, until, timeoutMs: 180_000 });

const uidOf = (file: string): string => readString(parseDicom(new Uint8Array(readFileSync(file)), file).dataSet, TAG.studyInstanceUid)!;

describe('openbmd serve --pacs against Orthanc (DICOMweb)', { skip }, () => {
  const dir = tempDir('openbmd-pacs-');
  let orthanc: ChildProcess;
  let pacs: DicomWebClient;
  let pacsUrl = '';
  const services: RunningService[] = [];
  const forearm = join(dir, 'forearm', 'images', 'forearm-0001.dcm');
  const ctSeries = join(dir, 'ct', 'images', 'ct-spine-0001');

  const options = (o: Partial<StartServiceOptions>): StartServiceOptions => serviceOptions({ dataDir: join(dir, 'data'), token: TOKEN, pacsUrl, ...o });

  before(async () => {
    simulateServiceStudies(dir);
    const [httpPort, dicomPort] = [await freePort(), await freePort()];
    const config = join(dir, 'orthanc.json');
    writeFileSync(
      config,
      JSON.stringify({
        Name: 'openbmd-test',
        StorageDirectory: join(dir, 'orthanc'),
        IndexDirectory: join(dir, 'orthanc'),
        HttpPort: httpPort,
        DicomPort: dicomPort,
        RemoteAccessAllowed: false,
        AuthenticationEnabled: false,
        Plugins: [DICOMWEB_PLUGIN],
        DicomWeb: { Enable: true, Root: '/dicom-web/' },
      }),
    );
    orthanc = spawn('Orthanc', [config], { stdio: 'ignore' });
    pacsUrl = `http://127.0.0.1:${httpPort}/dicom-web`;
    pacs = new DicomWebClient({ baseUrl: pacsUrl, maxResponseBytes: 2 ** 30, timeoutS: 60 });
    for (let i = 0; ; i++) {
      try {
        await pacs.searchStudies();
        break;
      } catch (thrown) {
        if (i > 100) throw thrown;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  after(async () => {
    for (const s of services) await s.close();
    orthanc?.kill('SIGTERM');
  });

  test('a CT study stored in the PACS is pulled on request, analysed, and its SR, SEG and SC are stored back into it', async () => {
    const slices = readdirSync(ctSeries).sort();
    const ctUid = uidOf(join(ctSeries, slices[0]!));
    await pacs.store(
      ctUid,
      slices.map((s) => new Uint8Array(readFileSync(join(ctSeries, s)))),
    );
    const service = await startService(options({}));
    services.push(service);
    const search = await api(service, '/api/pacs/studies?ModalitiesInStudy=CT');
    assert.equal(search.status, 200);
    assert.deepEqual(
      (search.json['studies'] as { studyInstanceUid: string }[]).map((s) => s.studyInstanceUid),
      [ctUid],
    );
    const pulled = await api(service, `/api/pacs/studies/${ctUid}/pull`, { method: 'POST' });
    assert.equal(pulled.status, 202, JSON.stringify(pulled.json));
    const [made] = pulled.json['studies'] as { id: string }[];
    const study = await settled(service, made!.id, (s) => s['status'] === 'failed' || (s['status'] === 'done' && s['pacsStored'] !== null));
    assert.equal(study['status'], 'done', String(study['error']));
    assert.equal(study['site'], 'ct-spine');
    assert.equal((study['uploadedFiles'] as string[]).length, slices.length);
    assert.match(String(study['pacsStored']), /^stored .*measurements-sr\.dcm/);
    // Pulling again makes no second study.
    const again = await api(service, `/api/pacs/studies/${ctUid}/pull`, { method: 'POST' });
    assert.deepEqual(
      (again.json['studies'] as { id: string }[]).map((s) => s.id),
      [made!.id],
    );

    const series = await pacs.searchSeries(ctUid);
    const modalities = series.map((s) => jsonString(s, DICOM_JSON_TAG.modality)).sort();
    for (const m of ['CT', 'SEG', 'SR']) assert.ok(modalities.includes(m), `${m} in ${modalities.join(', ')}`);
    assert.equal(series.length, 4, 'the CT, and the SR, SEG and SC openbmd stored');
    const source = parseDicom(new Uint8Array(readFileSync(join(ctSeries, slices[0]!))), 'source').dataSet;
    for (const s of series.filter((x) => jsonString(x, DICOM_JSON_TAG.modality) !== 'CT')) {
      const [instance] = await pacs.retrieveSeries(ctUid, jsonString(s, DICOM_JSON_TAG.seriesInstanceUid)!);
      const ds = parseDicom(new Uint8Array(instance!), 'retrieved').dataSet;
      assert.equal(readString(ds, TAG.studyInstanceUid), ctUid);
      assert.equal(readString(ds, TAG.patientId), readString(source, TAG.patientId));
      if (skipDciodvfy === undefined) {
        const file = join(dir, `back-${jsonString(s, DICOM_JSON_TAG.modality)}.dcm`);
        writeFileSync(file, instance!);
        const check = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
        const errors = `${check.stdout}${check.stderr}`.split('\n').filter((line) => line.startsWith('Error'));
        assert.deepEqual(errors, [], file);
      }
    }
  });

  test('polling pulls a new PACS study by itself; a PACS that cannot be reached is a clear 502', async () => {
    const forearmUid = uidOf(forearm);
    await pacs.store(forearmUid, [new Uint8Array(readFileSync(forearm))]);
    const service = await startService(options({ dataDir: join(dir, 'polling'), pacsPollS: 1, pacsPollQuery: { ModalitiesInStudy: 'DX' } }));
    services.push(service);
    let id: string | undefined;
    for (let i = 0; id === undefined; i++) {
      assert.ok(i < 600, 'the poller never pulled the forearm study');
      const list = (await api(service, '/api/studies')).json['studies'] as { id: string; modality: string }[];
      id = list.find((s) => s.modality === 'DX')?.id;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const study = await settled(service, id, (s) => s['status'] === 'failed' || (s['status'] === 'done' && s['pacsStored'] !== null));
    assert.equal(study['status'], 'done', String(study['error']));
    assert.equal(study['site'], 'forearm');
    assert.equal((study['origin'] as { studyInstanceUid: string }).studyInstanceUid, forearmUid);
    const list = (await api(service, '/api/studies')).json['studies'] as unknown[];
    assert.equal(list.length, 1, 'the CT study (not DX) was not pulled by this poll');

    const closed = await startService(options({ dataDir: join(dir, 'unreachable'), pacsUrl: `http://127.0.0.1:${await freePort()}/dicom-web` }));
    services.push(closed);
    const r = await api(closed, '/api/pacs/studies/1.2.3/pull', { method: 'POST' });
    assert.equal(r.status, 502);
    assert.match(String(r.json['error']), /cannot be reached/);
  });
});
