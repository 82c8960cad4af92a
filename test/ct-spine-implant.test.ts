// Metal in a measured vertebra: the search for dense material beside a segmented body in closed
// form, and end to end a SIMULATED series with pedicle screws in L2 and L3 (the simulator's posterior
// fixation): L2 is refused with its reason, T12 substitutes, and the vBMD stays near the truth.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';
import { DENSE_IMPLANT_HU, DENSE_IMPLANT_MARGIN_MM, denseImplantNear } from '../src/pipelines/ct-spine/dense-implant.js';

/** A 40 x 40 x 20 volume of 1 x 1 x 2 mm voxels at 200 HU (bone marrow), with a cancellous region of x, y 10-29, z 5-14. */
function volumeWithBody(): { data: Float32Array; size: [number, number, number]; spacingMm: [number, number, number]; region: { offsets: Int32Array } } {
  const size: [number, number, number] = [40, 40, 20];
  const data = new Float32Array(40 * 40 * 20).fill(200);
  const offsets: number[] = [];
  for (let k = 5; k <= 14; k++) for (let j = 10; j <= 29; j++) for (let i = 10; i <= 29; i++) offsets.push(i + 40 * (j + 40 * k));
  return { data, size, spacingMm: [1, 1, 2], region: { offsets: Int32Array.from(offsets) } };
}

function fill(v: ReturnType<typeof volumeWithBody>, box: [number, number, number, number, number, number], hu: number): void {
  const [i0, i1, j0, j1, k0, k1] = box;
  for (let k = k0; k <= k1; k++) for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) v.data[i + 40 * (j + 40 * k)] = hu;
}

test('dense material: counted inside the body and within the margin, not beyond it; cortical bone is not metal', () => {
  const v = volumeWithBody();
  assert.equal(denseImplantNear(v, v.region).denseMm3, 0);
  // Cortical bone at 1,500 HU all round the body is not an implant.
  fill(v, [9, 30, 9, 30, 4, 15], 1500);
  fill(v, [10, 29, 10, 29, 5, 14], 200);
  assert.equal(denseImplantNear(v, v.region).denseMm3, 0);
  // A 4 x 4 x (5 slices) steel block inside: 80 voxels of 2 mm3.
  fill(v, [14, 17, 14, 17, 6, 10], 3071);
  const inside = denseImplantNear(v, v.region);
  assert.equal(inside.denseMm3, 4 * 4 * 5 * 2);
  assert.equal(inside.maxHu, 3071);
  // In x the box reaches DENSE_IMPLANT_MARGIN_MM (5 voxels) beyond the region: a column at i = 34 counts, one at i = 35 does not.
  assert.equal(DENSE_IMPLANT_MARGIN_MM, 5);
  fill(v, [34, 34, 20, 20, 8, 8], 2500);
  fill(v, [35, 35, 20, 20, 8, 8], 2500);
  assert.equal(denseImplantNear(v, v.region).denseMm3, 160 + 2);
  // Along z the margin is 5 mm, three 2 mm slices (ceil): slice 17 counts, slice 18 does not.
  fill(v, [20, 20, 20, 20, 17, 17], DENSE_IMPLANT_HU + 1);
  fill(v, [21, 21, 20, 20, 18, 18], DENSE_IMPLANT_HU + 1);
  assert.equal(denseImplantNear(v, v.region).denseMm3, 160 + 2 + 2);
  assert.equal(denseImplantNear(v, { offsets: new Int32Array(0) }).denseMm3, 0);
});

const out = tempDir();
const cohort = join(out, 'cohort');
// Seed 5's first patient has its L2-L3 segment fixed (the draw has a stream of its own per patient).
const simulated = runCli(
  [
    'simulate',
    'ct-spine',
    '--n',
    '1',
    '--out',
    cohort,
    '--seed',
    '5',
    '--ct-slices',
    '100',
    '--slice-mm',
    '2.5',
    '--pedicle-screw-share',
    '1',
    '--workers',
    '1',
  ],
  180_000,
);

interface Truth {
  pedicleScrews: string[];
  spineVbmdMgPerCm3: number;
  spineVbmdLevels: string[];
  levels: { level: string; instrumented: boolean }[];
}

test('a series with pedicle screws in L2 and L3: L2 refused for its metal, T12 substitutes, vBMD near the truth', () => {
  assert.equal(simulated.status, 0, simulated.stderr);
  const row = (parse(readFileSync(join(cohort, 'cohort.csv'), 'utf8'), { columns: true }) as Record<string, string>[])[0]!;
  const truth = JSON.parse(readFileSync(join(cohort, 'truth', `${row['case_id']!}.json`), 'utf8')) as Truth;
  assert.deepEqual(truth.pedicleScrews, ['L2', 'L3']);
  assert.deepEqual(truth.spineVbmdLevels, ['L1', 'T12'], 'the truth leaves the instrumented L2 out');
  const dir = join(out, 'analyze');
  const r = runCli(['analyze', join(cohort, row['image']!), '--out', dir, '--age', row['age_years']!], 180_000);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'result.json')));
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as {
    measurements: { value: number }[];
    qcFlags: { flag: string }[];
    details: { levels: { level: string; notMeasurable: string | null }[] };
  };
  const flags = result.qcFlags.map((f) => f.flag);
  assert.ok(flags.includes('l2-implant'), flags.join(' '));
  assert.ok(flags.includes('t12-substituted'), flags.join(' '));
  assert.ok(!flags.includes('l1-implant') && !flags.includes('t12-implant'), flags.join(' '));
  const l2 = result.details.levels.find((l) => l.level === 'L2')!;
  assert.match(l2.notMeasurable ?? '', /^metal or cement in the body \(\d+ mm3 above 2000 HU/);
  // A 45 mm screw of 6.5 mm holds about 1,500 mm3; two of them and their share of the heads are in the box.
  const mm3 = Number(/\((\d+) mm3/.exec(l2.notMeasurable!)![1]);
  assert.ok(mm3 > 1500 && mm3 < 8000, `${mm3} mm3 of metal at L2`);
  const error = result.measurements[0]!.value - truth.spineVbmdMgPerCm3;
  console.log(`vBMD ${result.measurements[0]!.value.toFixed(1)} against ${truth.spineVbmdMgPerCm3.toFixed(1)} mg/cm3 (T12 + L1)`);
  assert.ok(Math.abs(error) < 25, `vBMD off by ${error.toFixed(1)} mg/cm3`);
});
