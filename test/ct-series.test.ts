import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import { volumeIndexToPointMm, voxelOffset } from '../src/core/volume3d.js';
import { readDicomSeries } from '../src/io/dicom/series/read-series.js';
import { runCli } from './helpers/cli.js';
import { writeCtSeries } from './helpers/ct-series-writer.js';
import { ctSlice } from './helpers/dicom-bytes.js';
import { tempDir } from './helpers/temp-dir.js';

const root = tempDir();
const value = (i: number, j: number, k: number): number => 1000 + i + 10 * j + 100 * k;

test('a shuffled series is stacked along the normal, in HU, with its geometry', async () => {
  const folder = join(root, 'good');
  writeCtSeries(folder, { rows: 6, columns: 5, slices: 8, sliceSpacingMm: 1.25, value });
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
  const series = await readDicomSeries(folder);
  const v = series.volume;
  assert.deepEqual(v.size, [5, 6, 8]);
  assert.deepEqual(v.spacingMm, [0.75, 0.8, 1.25]);
  assert.equal(v.unit, 'HU');
  assert.ok(v.data instanceof Int16Array);
  for (const [i, j, k] of [
    [0, 0, 0],
    [4, 5, 7],
    [2, 3, 4],
  ] as const) {
    assert.equal(v.data[voxelOffset(v, i, j, k)], value(i, j, k) - 1024);
  }
  assert.deepEqual(v.originMm, [-50, -60, -100]);
  assert.deepEqual(volumeIndexToPointMm(v, 1, 2, 4), [-50 + 0.75, -60 + 1.6, -100 + 5]);
  assert.equal(series.skippedFiles.length, 1);
  assert.deepEqual(
    series.slices.map((s) => s.instanceNumber),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
});

test('inspect on a series folder reports the assembled volume', () => {
  const folder = join(root, 'inspect');
  writeCtSeries(folder, { rows: 4, columns: 4, slices: 3, sliceSpacingMm: 2, value: () => 1024 });
  const cli = runCli(['inspect', folder, '--json']);
  assert.equal(cli.status, 0, cli.stderr);
  const r = JSON.parse(cli.stdout) as { frames: number; rows: number; stats: { min: number; max: number; mean: number }; pixelSpacingMm: number[] };
  assert.equal(r.frames, 3);
  assert.deepEqual(r.stats, { min: 0, max: 0, mean: 0 });
  assert.deepEqual(r.pixelSpacingMm, [0.8, 0.75]);
});

interface BadSeries {
  name: string;
  make: (folder: string) => void;
  says: RegExp;
}

const BAD: BadSeries[] = [
  {
    name: 'a missing slice',
    make: (f) => writeCtSeries(f, { rows: 4, columns: 4, slices: 6, sliceSpacingMm: 1, value, zPositions: [0, 1, 2, 4, 5, 6] }),
    says: /missing slice: a gap of 2\.000 mm \(about 1 slice of 1\.000 mm\)/,
  },
  {
    name: 'a duplicate slice',
    make: (f) => {
      const files = writeCtSeries(f, { rows: 4, columns: 4, slices: 5, sliceSpacingMm: 1, value });
      copyFileSync(files[2]!, join(f, 'copy-of-slice.dcm'));
    },
    says: /duplicate slice/,
  },
  {
    name: 'unevenly spaced slices',
    make: (f) => writeCtSeries(f, { rows: 4, columns: 4, slices: 5, sliceSpacingMm: 1, value, zPositions: [0, 1, 2, 3.3, 4.3] }),
    says: /unevenly spaced slices: 1\.300 mm/,
  },
  {
    name: 'gantry tilt',
    make: (f) => writeCtSeries(f, { rows: 4, columns: 4, slices: 6, sliceSpacingMm: 1, value, tiltShiftMm: 0.3 }),
    says: /gantry tilt: slices are stacked 16\.70 degrees off their normal/,
  },
];

test('bad series: missing, duplicate, uneven, tilted — exit 2 naming the folder and the files', async (t) => {
  for (const bad of BAD) {
    await t.test(bad.name, async () => {
      const folder = join(root, bad.name.replace(/\W+/g, '-'));
      bad.make(folder);
      await assert.rejects(readDicomSeries(folder), (e: unknown) => {
        assert.ok(e instanceof OpenBmdError);
        assert.equal(e.code, 'SERIES');
        assert.match(e.message, bad.says);
        assert.ok(e.message.startsWith(folder));
        return true;
      });
      const cli = runCli(['inspect', folder, '--json']);
      assert.equal(cli.status, 2);
      assert.equal(cli.stdout, '');
    });
  }
});

test('bad series: two series in one folder must be told apart', async () => {
  const folder = join(root, 'two-series');
  writeCtSeries(folder, { rows: 4, columns: 4, slices: 3, sliceSpacingMm: 1, value });
  writeFileSync(join(folder, 'scout.dcm'), ctSlice({ rows: 4, columns: 4, stored: new Int16Array(16), positionMm: [0, 0, 0], seriesUid: '1.2.3.999' }));
  await assert.rejects(readDicomSeries(folder), /folder holds 2 series: .*1\.2\.3\.999 \(1 files\)/);
  const chosen = await readDicomSeries(folder, { seriesInstanceUid: '1.2.826.0.1.3680043.10.1234.4' });
  assert.equal(chosen.volume.size[2], 3);
});

test('bad series: a damaged DICOM slice fails the series, naming the slice', async () => {
  const folder = join(root, 'corrupt');
  const files = writeCtSeries(folder, { rows: 4, columns: 4, slices: 4, sliceSpacingMm: 1, value });
  const bytes = readFileSync(files[1]!);
  writeFileSync(files[1]!, bytes.subarray(0, bytes.length - 10));
  await assert.rejects(readDicomSeries(folder), (e: unknown) => e instanceof OpenBmdError && e.code === 'TRUNCATED' && e.message.includes(files[1]!));
});
