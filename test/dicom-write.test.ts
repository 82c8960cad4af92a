/**
 * Secondary Capture written by openbmd validates with dciodvfy (dicom3tools), reads back in
 * pydicom and dcmdump with the same pixels, and in openbmd's own reader.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { SECONDARY_CAPTURE_IMAGE_STORAGE, writeSecondaryCapture } from '../src/io/dicom/write/write-secondary-capture.js';
import { DEBIAN_PYTHON, announceSkip, commandMissing, pydicomMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const dir = tempDir();
const COLUMNS = 33; // odd sizes exercise the even-length padding of pixel data
const ROWS = 21;
const rgb = new Uint8Array(COLUMNS * ROWS * 3).map((_, i) => (i * 7) % 256);
const expectedSum = rgb.reduce((a, b) => a + b, 0);
const file = join(dir, 'overlay.dcm');
const identity = { patientName: 'Doe^Jane', patientId: 'P-001', patientSex: 'F', studyInstanceUid: '1.2.826.0.1.3680043.10.1234.77', studyDate: '20261121' };

test('Secondary Capture: openbmd reads back the same pixels and identity', async () => {
  await writeSecondaryCapture(file, { rgb, columns: COLUMNS, rows: ROWS, identity, seriesDescription: 'openbmd overlay', pixelSpacingMm: [0.25, 0.25] });
  const image = await readDicomFile(file);
  assert.equal(image.sopClassUid, SECONDARY_CAPTURE_IMAGE_STORAGE);
  assert.equal(image.studyInstanceUid, identity.studyInstanceUid);
  assert.equal(image.pixel.photometric, 'RGB');
  assert.deepEqual(Array.from(image.frames[0]!), Array.from(rgb));
  assert.deepEqual(image.pixelSpacing?.rowColumnMm, [0.25, 0.25]);
});

const dciodvfyMissing = announceSkip(commandMissing('dciodvfy', 'dicom3tools'));
test('Secondary Capture passes dciodvfy without errors', { skip: dciodvfyMissing }, async () => {
  await writeSecondaryCapture(file, { rgb, columns: COLUMNS, rows: ROWS, identity, seriesDescription: 'openbmd overlay' });
  const run = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  assert.match(output, /SCImage/);
  assert.deepEqual(
    output.split('\n').filter((l) => l.startsWith('Error')),
    [],
  );
});

const dcmdumpMissing = announceSkip(commandMissing('dcmdump', 'dcmtk'));
test('Secondary Capture reads in dcmtk (dcmdump)', { skip: dcmdumpMissing }, async () => {
  await writeSecondaryCapture(file, { rgb, columns: COLUMNS, rows: ROWS, identity, seriesDescription: 'openbmd overlay' });
  const run = spawnSync('dcmdump', ['+P', '0010,0010', '+P', '0028,0010', '+P', '0028,0011', file], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\[Doe\^Jane\]/);
  assert.match(run.stdout, /US 21\b/);
  assert.match(run.stdout, /US 33\b/);
});

const pydicomSkip = announceSkip(pydicomMissing());
test('Secondary Capture reads in pydicom with the same pixels', { skip: pydicomSkip }, async () => {
  await writeSecondaryCapture(file, { rgb, columns: COLUMNS, rows: ROWS, identity, seriesDescription: 'openbmd overlay' });
  const script = 'import pydicom,sys; d=pydicom.dcmread(sys.argv[1]); a=d.pixel_array; print(a.shape[0], a.shape[1], a.shape[2], int(a.sum()), d.PatientID)';
  const run = spawnSync(DEBIAN_PYTHON, ['-c', script, file], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), `${ROWS} ${COLUMNS} 3 ${expectedSum} P-001`);
});
