/**
 * One signed 16-bit CT slice, encoded by dcmtk and GDCM into each lossless transfer syntax, must
 * decode to exactly the source values (the cornerstone3D style of hash-checked decode tests).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { ctSlice } from './helpers/dicom-bytes.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const dir = tempDir();
const ROWS = 61;
const COLUMNS = 47;
// Air, fat, soft tissue, bone and noise-like detail: negative and positive, all 16 bits used.
const stored = new Int16Array(ROWS * COLUMNS).map((_, n) => {
  const i = n % COLUMNS;
  const j = Math.floor(n / COLUMNS);
  const r2 = (i - 23) ** 2 + (j - 30) ** 2;
  const base = r2 < 100 ? 1400 : r2 < 400 ? 40 : r2 < 700 ? -100 : -1000;
  return base + ((i * 131 + j * 71) % 97) - 48 + (n === 5 ? -32768 + 1000 : 0) + (n === 6 ? 30000 : 0);
});
const source = join(dir, 'source.dcm');
writeFileSync(source, ctSlice({ rows: ROWS, columns: COLUMNS, stored, positionMm: [0, 0, 0] }));

interface Encoding {
  name: string;
  syntax: string;
  tool: string;
  args: (input: string, output: string) => string[];
  debianPackage: string;
}

const ENCODINGS: Encoding[] = [
  { name: 'implicit VR little endian', syntax: '1.2.840.10008.1.2', tool: 'dcmconv', args: (i, o) => ['+ti', i, o], debianPackage: 'dcmtk' },
  { name: 'explicit VR big endian', syntax: '1.2.840.10008.1.2.2', tool: 'dcmconv', args: (i, o) => ['+tb', i, o], debianPackage: 'dcmtk' },
  { name: 'deflated explicit VR little endian', syntax: '1.2.840.10008.1.2.1.99', tool: 'dcmconv', args: (i, o) => ['+td', i, o], debianPackage: 'dcmtk' },
  { name: 'RLE lossless', syntax: '1.2.840.10008.1.2.5', tool: 'dcmcrle', args: (i, o) => [i, o], debianPackage: 'dcmtk' },
  { name: 'JPEG lossless SV1', syntax: '1.2.840.10008.1.2.4.70', tool: 'dcmcjpeg', args: (i, o) => ['+e1', i, o], debianPackage: 'dcmtk' },
  {
    name: 'JPEG lossless process 14, selection value 6',
    syntax: '1.2.840.10008.1.2.4.57',
    tool: 'dcmcjpeg',
    args: (i, o) => ['+el', '+sv', '6', i, o],
    debianPackage: 'dcmtk',
  },
  { name: 'JPEG-LS lossless', syntax: '1.2.840.10008.1.2.4.80', tool: 'dcmcjpls', args: (i, o) => ['+el', i, o], debianPackage: 'dcmtk' },
  { name: 'JPEG 2000 lossless (GDCM)', syntax: '1.2.840.10008.1.2.4.90', tool: 'gdcmconv', args: (i, o) => ['--j2k', i, o], debianPackage: 'libgdcm-tools' },
  { name: 'JPEG-LS lossless (GDCM)', syntax: '1.2.840.10008.1.2.4.80', tool: 'gdcmconv', args: (i, o) => ['--jpegls', i, o], debianPackage: 'libgdcm-tools' },
];

for (const e of ENCODINGS) {
  const skip = announceSkip(commandMissing(e.tool, e.debianPackage));
  test(`lossless transcode decodes exactly: ${e.name}`, { skip }, async () => {
    const output = join(dir, `${e.name.replace(/\W+/g, '-')}.dcm`);
    const run = spawnSync(e.tool, e.args(source, output), { encoding: 'utf8' });
    assert.equal(run.status, 0, `${e.tool}: ${run.stderr}${run.stdout}`);
    const image = await readDicomFile(output);
    assert.equal(image.transferSyntaxUid, e.syntax);
    assert.equal(image.pixel.signed, true);
    const decoded = image.frames[0]!;
    assert.equal(decoded.length, stored.length);
    let mismatches = 0;
    for (let n = 0; n < stored.length; n++) if (decoded[n] !== stored[n]) mismatches++;
    assert.equal(mismatches, 0, `${mismatches} samples differ`);
  });
}
