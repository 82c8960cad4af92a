/**
 * Each kind of bad input named in the foundation issue ends in an OpenBmdError naming the file,
 * and in exit status 2 from the CLI with one line on stderr.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OpenBmdErrorCode } from '../src/core/errors.js';
import { OpenBmdError } from '../src/core/errors.js';
import { dicomFrameToImage2D } from '../src/io/dicom/dicom-to-image2d.js';
import { decodeDicomBytes, readDicomFile } from '../src/io/dicom/read-dicom.js';
import { runCli } from './helpers/cli.js';
import type { RawElement } from './helpers/dicom-bytes.js';
import { buildPart10, ctSlice, ob, sq, text, us } from './helpers/dicom-bytes.js';
import { tempDir } from './helpers/temp-dir.js';

const dir = tempDir();

function validSlice(): Uint8Array {
  const stored = new Int16Array(16 * 16).map((_, i) => i - 100);
  return ctSlice({ rows: 16, columns: 16, stored, positionMm: [0, 0, 0] });
}

/** A small image data set whose fields the cases below override. */
function imageElements(overrides: Partial<Record<string, RawElement>> = {}, pixelBytes = new Uint8Array(8 * 8 * 2)): RawElement[] {
  const base: Record<string, RawElement> = {
    modality: text(0x0008, 0x0060, 'CS', 'DX'),
    spp: us(0x0028, 0x0002, 1),
    photometric: text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    rows: us(0x0028, 0x0010, 8),
    columns: us(0x0028, 0x0011, 8),
    bitsAllocated: us(0x0028, 0x0100, 16),
    bitsStored: us(0x0028, 0x0101, 12),
    highBit: us(0x0028, 0x0102, 11),
    pixelRepresentation: us(0x0028, 0x0103, 0),
    pixelData: ob(0x7fe0, 0x0010, pixelBytes, 'OW'),
  };
  return Object.values({ ...base, ...overrides }).filter((e): e is RawElement => e !== undefined);
}

interface Case {
  name: string;
  bytes: () => Uint8Array;
  code: OpenBmdErrorCode;
  /** Words the message must contain. */
  says: RegExp;
}

const CASES: Case[] = [
  { name: 'a file that is not DICOM', bytes: () => new TextEncoder().encode('patient,age\n1,70\n'.repeat(20)), code: 'NOT_DICOM', says: /not a DICOM file/ },
  { name: 'an empty file', bytes: () => new Uint8Array(0), code: 'NOT_DICOM', says: /not a DICOM file/ },
  {
    name: 'truncated pixel data',
    bytes: () => validSlice().subarray(0, validSlice().length - 100),
    code: 'TRUNCATED',
    says: /file ends inside a data element/,
  },
  {
    name: 'a length field larger than the file',
    bytes: () =>
      buildPart10(
        imageElements({ rows: { ...us(0x0028, 0x0010, 8) }, modality: { ...text(0x0008, 0x0060, 'CS', 'DX'), vr: 'UT', lengthOverride: 1_000_000 } }),
      ),
    code: 'TRUNCATED',
    says: /past the end|ends inside/,
  },
  {
    name: '0xFFFFFFFF length on OW pixel data in an uncompressed syntax',
    bytes: () => buildPart10(imageElements({ pixelData: { ...ob(0x7fe0, 0x0010, new Uint8Array(128), 'OW'), lengthOverride: 0xffffffff } })),
    code: 'MALFORMED',
    says: /./,
  },
  {
    name: 'sequences nested deeper than the limit',
    bytes: () => {
      let nested: RawElement = text(0x0008, 0x0104, 'LO', 'leaf');
      for (let depth = 0; depth < 40; depth++) nested = sq(0x0040, 0xa730, [[nested]]);
      return buildPart10([...imageElements(), nested]);
    },
    code: 'MALFORMED',
    says: /nested/,
  },
  { name: 'a missing transfer syntax', bytes: () => buildPart10(imageElements(), { transferSyntax: null }), code: 'MALFORMED', says: /ransfer syntax/ },
  {
    name: 'BitsStored > BitsAllocated',
    bytes: () => buildPart10(imageElements({ bitsStored: us(0x0028, 0x0101, 20) })),
    code: 'INCONSISTENT',
    says: /BitsStored 20 exceeds BitsAllocated 16/,
  },
  {
    name: 'Rows x Columns x Frames that overflows',
    bytes: () =>
      buildPart10([...imageElements({ rows: us(0x0028, 0x0010, 65535), columns: us(0x0028, 0x0011, 65535) }), text(0x0028, 0x0008, 'IS', '2147483647')]),
    code: 'UNSUPPORTED',
    says: /exceeds the limit/,
  },
  {
    name: 'Rows x Columns x bytes that disagrees with the pixel data length',
    bytes: () => buildPart10(imageElements({ rows: us(0x0028, 0x0010, 9) })),
    code: 'TRUNCATED',
    says: /holds 128 bytes but .* needs 144/,
  },
  {
    name: 'a corrupt codec stream (JPEG baseline with garbage after SOI)',
    bytes: () => {
      const fragment = new Uint8Array(64).fill(0x55);
      fragment.set([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x04], 0);
      const encapsulated = encapsulate([fragment]);
      return buildPart10(
        imageElements({
          bitsAllocated: us(0x0028, 0x0100, 8),
          bitsStored: us(0x0028, 0x0101, 8),
          highBit: us(0x0028, 0x0102, 7),
          pixelData: { ...ob(0x7fe0, 0x0010, encapsulated), lengthOverride: 0xffffffff },
        }),
        { transferSyntax: '1.2.840.10008.1.2.4.50' },
      );
    },
    code: 'CODEC',
    says: /cannot be decoded/,
  },
  {
    name: 'an unknown transfer syntax',
    bytes: () => buildPart10(imageElements(), { transferSyntax: '1.2.3.4.5' }),
    code: 'UNSUPPORTED',
    says: /transfer syntax 1\.2\.3\.4\.5 is not supported/,
  },
  { name: 'no pixel data', bytes: () => buildPart10([text(0x0008, 0x0060, 'CS', 'SR')]), code: 'NO_PIXEL_DATA', says: /no pixel data/ },
  {
    name: 'a non-numeric decimal string',
    bytes: () => buildPart10([...imageElements(), text(0x0028, 0x0030, 'DS', 'abc\\0.1')]),
    code: 'MALFORMED',
    says: /\(0028,0030\) holds 'abc'/,
  },
];

/** Encapsulated pixel data: empty offset table, the fragments, sequence delimiter. */
function encapsulate(fragments: Uint8Array[]): Uint8Array {
  const item = (payload: Uint8Array): Uint8Array => {
    const b = new Uint8Array(8 + payload.length);
    const v = new DataView(b.buffer);
    v.setUint16(0, 0xfffe, true);
    v.setUint16(2, 0xe000, true);
    v.setUint32(4, payload.length, true);
    b.set(payload, 8);
    return b;
  };
  const parts = [item(new Uint8Array(0)), ...fragments.map(item)];
  const end = new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0) + end.length);
  let at = 0;
  for (const p of [...parts, end]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

for (const c of CASES) {
  test(`bad input: ${c.name}`, async () => {
    const file = join(dir, `${c.name.replace(/[^a-z0-9]+/gi, '-')}.dcm`);
    const bytes = c.bytes();
    writeFileSync(file, bytes);
    await assert.rejects(readDicomFile(file), (e: unknown) => {
      assert.ok(e instanceof OpenBmdError, `OpenBmdError expected, got ${String(e)}`);
      assert.equal(e.code, c.code, e.message);
      assert.ok(e.isBadInput);
      assert.ok(e.message.startsWith(file), `names the file: ${e.message}`);
      assert.match(e.message, c.says);
      return true;
    });
    const cli = runCli(['inspect', file, '--json']);
    assert.equal(cli.status, 2, cli.stderr);
    assert.equal(cli.stdout, '');
    assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr);
  });
}

test('bad input: missing pixel spacing is refused when an image in mm is asked for, unless given explicitly', async () => {
  const bytes = ctSlice({ rows: 4, columns: 4, stored: new Int16Array(16), positionMm: [0, 0, 0], spacingMm: null });
  const image = await decodeDicomBytes(bytes, 'no-spacing.dcm');
  assert.equal(image.pixelSpacing, undefined);
  assert.throws(
    () => dicomFrameToImage2D(image),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'MISSING_SPACING' && /no-spacing\.dcm/.test(e.message),
  );
  const withSpacing = dicomFrameToImage2D(image, { spacingMmOverride: [0.5, 0.25] });
  assert.deepEqual(withSpacing.spacingMm, [0.25, 0.5]);
});

test('bad input: a missing file is exit 2 naming it', () => {
  const missing = join(dir, 'nope.dcm');
  const cli = runCli(['inspect', missing]);
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /nope\.dcm: no such file/);
});
