/**
 * openbmd's DICOM reader against pydicom (+GDCM) on the real files Debian's python3-pydicom ships.
 * For every file pydicom decodes, `inspect` must give the same rows, columns, frames, min and max,
 * and the mean within 1e-6 relative; files pydicom refuses must end in exit status 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import { inspectPath } from '../src/cli/inspect-command.js';
import { listPydicomCorpus } from './helpers/corpus.js';
import { runCli } from './helpers/cli.js';
import { DEBIAN_PYTHON, PYDICOM_CORPUS, announceSkip, pydicomMissing } from './helpers/reference-tools.js';

const REFERENCE_SCRIPT = fileURLToPath(new URL('../../scripts/pydicom-reference.py', import.meta.url));

/**
 * Files where openbmd deliberately differs from pydicom. The codestream of this one is 512x512
 * while the header says 1024x256; GDCM reshapes it silently, openbmd refuses it.
 */
const INTENDED_DIFFERENCES = new Map([['test_files/JPEG2000-embedded-sequence-delimiter.dcm', 'INCONSISTENT']]);

interface Reference {
  path: string;
  status: 'ok' | 'unreadable' | 'undecodable' | 'no-pixel-data';
  rows?: number;
  columns?: number;
  frames?: number;
  min?: number;
  max?: number;
  mean?: number;
  error?: string;
}

const skip = announceSkip(pydicomMissing());

let cachedReferences: Reference[] | undefined;
/** pydicom's view of every corpus file, computed once for all tests here. */
function pydicomReferences(): Reference[] {
  if (cachedReferences !== undefined) return cachedReferences;
  const files = listPydicomCorpus();
  const run = spawnSync(DEBIAN_PYTHON, [REFERENCE_SCRIPT, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  cachedReferences = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Reference);
  assert.equal(cachedReferences.length, files.length);
  return cachedReferences;
}

test('every pydicom corpus file: inspect agrees with pydicom, or refuses what pydicom refuses', { skip, timeout: 300_000 }, async () => {
  const references = pydicomReferences();
  assert.ok(references.length >= 90, `corpus has ${references.length} files`);

  const failures: string[] = [];
  let agreed = 0;
  let decodedByBoth = 0;
  for (const ref of references) {
    const name = ref.path.slice(PYDICOM_CORPUS.length + 1);
    let ours: Awaited<ReturnType<typeof inspectPath>> | undefined;
    let error: unknown;
    try {
      ours = await inspectPath(ref.path);
    } catch (thrown) {
      error = thrown;
    }
    const intended = INTENDED_DIFFERENCES.get(name);
    if (intended !== undefined) {
      if (error instanceof OpenBmdError && error.code === intended) agreed++;
      else failures.push(`${name}: expected ${intended}, got ${String(error ?? 'success')}`);
      continue;
    }
    if (ref.status === 'ok') {
      if (ours === undefined) {
        failures.push(`${name}: pydicom decodes it, openbmd fails: ${String(error)}`);
        continue;
      }
      const close = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));
      const same =
        ours.rows === ref.rows &&
        ours.columns === ref.columns &&
        ours.frames === ref.frames &&
        close(ours.stats.min, ref.min!, 1e-12) &&
        close(ours.stats.max, ref.max!, 1e-12) &&
        close(ours.stats.mean, ref.mean!, 1e-6);
      if (same) {
        agreed++;
        decodedByBoth++;
      } else {
        failures.push(
          `${name}: ours ${JSON.stringify([ours.rows, ours.columns, ours.frames, ours.stats])}, pydicom ${JSON.stringify([ref.rows, ref.columns, ref.frames, ref.min, ref.max, ref.mean])}`,
        );
      }
    } else if (error instanceof OpenBmdError && error.isBadInput) {
      agreed++;
    } else {
      failures.push(`${name}: pydicom says ${ref.status}, openbmd ${error === undefined ? 'decoded it' : `threw ${String(error)}`}`);
    }
  }
  console.log(
    `pydicom corpus: ${agreed}/${references.length} files agree (${decodedByBoth} decoded by both, ${INTENDED_DIFFERENCES.size} intended difference)`,
  );
  assert.deepEqual(failures, []);
});

test('CLI: files pydicom refuses or that hold no image exit with status 2 and one line on stderr', { skip, timeout: 300_000 }, () => {
  const refused = pydicomReferences()
    .filter((r) => r.status !== 'ok')
    // One per folder of near-identical files keeps the CLI part quick; the library test covers all.
    .filter((r, i, all) => !r.path.includes('TINY_ALPHA') || all.findIndex((o) => o.path.includes('TINY_ALPHA')) === i);
  assert.ok(refused.length > 10);
  for (const ref of refused) {
    const result = runCli(['inspect', ref.path, '--json']);
    assert.equal(result.status, 2, `${ref.path}: status ${result.status}, stderr ${result.stderr}`);
    assert.equal(result.stdout, '', `${ref.path}: nothing on stdout`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${ref.path}: ${result.stderr}`);
    assert.ok(lines[0]!.includes(ref.path), `message names the file: ${lines[0]}`);
  }
});

test('CLI: inspect --json prints exactly the DESIGN.md fields', { skip }, () => {
  const result = runCli(['inspect', `${PYDICOM_CORPUS}/test_files/CT_small.dcm`, '--json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(report).sort(), [
    'columns',
    'frames',
    'modality',
    'photometric',
    'pixelSpacingMm',
    'rescale',
    'rows',
    'samplesPerPixel',
    'stats',
    'transferSyntax',
  ]);
  assert.deepEqual(report['rescale'], { slope: 1, intercept: -1024 });
  assert.deepEqual(report['pixelSpacingMm'], [0.661468, 0.661468]);
  assert.equal(report['modality'], 'CT');
});
