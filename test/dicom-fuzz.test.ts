/**
 * Mutation fuzzing of the DICOM reader: bit flips, truncations and length-field edits over real
 * corpus files and synthetic ones. Every case must end in a decoded image or an OpenBmdError —
 * never another exception, a hang or runaway memory. Deterministic for its seed;
 * OPENBMD_FUZZ_CASES raises the case count for longer runs.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import { decodeDicomBytes } from '../src/io/dicom/read-dicom.js';
import { ctSlice } from './helpers/dicom-bytes.js';
import { PYDICOM_CORPUS, announceSkip } from './helpers/reference-tools.js';

const CASES = Number(process.env['OPENBMD_FUZZ_CASES'] ?? 600);
const SEED = 20261121;
/** One case taking longer than this counts as a hang. */
const CASE_LIMIT_MS = 5_000;

const CORPUS_SEEDS = [
  'test_files/CT_small.dcm',
  'test_files/MR_small_RLE.dcm',
  'test_files/MR_small_jpeg_ls_lossless.dcm',
  'test_files/MR_small_jp2klossless.dcm',
  'test_files/MR_small_bigendian.dcm',
  'test_files/MR_small_implicit.dcm',
  'test_files/JPGExtended.dcm',
  'test_files/SC_rgb_jpeg_gdcm.dcm',
  'test_files/SC_rgb_dcmtk_+eb+cy+np.dcm',
  'test_files/SC_rgb_rle_16bit_2frame.dcm',
  'test_files/image_dfl.dcm',
  'test_files/rtdose.dcm',
  'test_files/liver_1frame.dcm',
  'test_files/nested_priv_SQ.dcm',
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of what look like explicit-VR element headers (two capital letters after a tag). */
function elementHeaders(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let p = 132; p + 8 < bytes.length; p++) {
    const a = bytes[p + 4]!;
    const b = bytes[p + 5]!;
    if (a >= 65 && a <= 90 && b >= 65 && b <= 90) out.push(p);
  }
  return out;
}

function mutate(seed: Uint8Array, random: () => number): { bytes: Uint8Array; what: string } {
  const pick = (n: number): number => Math.floor(random() * n);
  const kind = pick(3);
  if (kind === 0) {
    const bytes = seed.slice();
    const flips = 1 + pick(16);
    for (let f = 0; f < flips; f++) {
      const at = pick(bytes.length);
      bytes[at] = bytes[at]! ^ (1 << pick(8));
    }
    return { bytes, what: `${flips} bit flips` };
  }
  if (kind === 1) {
    const length = pick(seed.length);
    return { bytes: seed.slice(0, length), what: `truncated to ${length} bytes` };
  }
  const bytes = seed.slice();
  const headers = elementHeaders(bytes);
  const at = headers[pick(headers.length)] ?? 132;
  const view = new DataView(bytes.buffer);
  const choices = [0, 0xffffffff, 0x7fffffff, bytes.length * 2, 1, 0xfffe];
  const value = choices[pick(choices.length)]!;
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT', 'OF'].includes(String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!));
  if (long && at + 12 <= bytes.length) view.setUint32(at + 8, value >>> 0, true);
  else if (at + 8 <= bytes.length) view.setUint16(at + 6, value & 0xffff, true);
  return { bytes, what: `length at ${at} set to ${value}` };
}

const corpusMissing = announceSkip(
  CORPUS_SEEDS.every((name) => existsSync(join(PYDICOM_CORPUS, name)))
    ? undefined
    : 'SKIPPED: the pydicom corpus is not installed (apt-get install python3-pydicom; .ci/run does): the fuzzing below mutates the synthetic seed only',
);

test('fuzz seeds: every pydicom corpus seed is there', { skip: corpusMissing }, () => {
  assert.ok(CORPUS_SEEDS.length >= 3);
});

test(`fuzz: ${CASES} mutated files end in an image or an OpenBmdError, never a crash or a hang`, { timeout: 600_000 }, async () => {
  const seeds: { name: string; bytes: Uint8Array }[] = [
    { name: 'synthetic-ct', bytes: ctSlice({ rows: 32, columns: 32, stored: new Int16Array(1024).map((_, i) => i), positionMm: [0, 0, 0] }) },
  ];
  for (const name of CORPUS_SEEDS) {
    const path = join(PYDICOM_CORPUS, name);
    if (existsSync(path)) seeds.push({ name, bytes: new Uint8Array(readFileSync(path)) });
  }
  const random = mulberry32(SEED);
  const outcomes = { decoded: 0, refused: 0 };
  const failures: string[] = [];
  let slowestMs = 0;
  let peakRss = 0;
  for (let c = 0; c < CASES; c++) {
    const seed = seeds[c % seeds.length]!;
    const { bytes, what } = mutate(seed.bytes, random);
    const started = performance.now();
    try {
      await decodeDicomBytes(bytes, `${seed.name}#${c}`);
      outcomes.decoded++;
    } catch (thrown) {
      if (thrown instanceof OpenBmdError) outcomes.refused++;
      else failures.push(`case ${c} (${seed.name}, ${what}): ${thrown instanceof Error ? thrown.stack : String(thrown)}`);
    }
    const ms = performance.now() - started;
    slowestMs = Math.max(slowestMs, ms);
    if (ms > CASE_LIMIT_MS) failures.push(`case ${c} (${seed.name}, ${what}) took ${ms.toFixed(0)} ms`);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  console.log(
    `fuzz: ${CASES} cases over ${seeds.length} seeds: ${outcomes.decoded} decoded, ${outcomes.refused} refused with OpenBmdError, slowest ${slowestMs.toFixed(0)} ms, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(peakRss < 1.5 * 2 ** 30, `peak RSS ${peakRss}`);
});
