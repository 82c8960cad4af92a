// `openbmd hip-ct`: femora, other bone and the proximal-femur (PF) regions from a CT alone. On
// SIMULATED CTs against the simulator's labels (femur Dice, PF Dice, head centre); on the real CT of
// ../shared/realdata (a test fixture: nothing is tuned on it) against TotalSegmentator's reference
// mask of the natural right femur; bad input refused with exit 2.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readNifti } from '../src/io/nifti.js';
import { canonicalVolume } from '../src/io/ct-volume/read-ct-volume.js';
import { maskOverlap } from '../src/stats/segmentation-metrics.js';
import { runCli } from './helpers/cli.js';
import { announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const REAL = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/', import.meta.url));
const noRealCt = announceSkip(existsSync(join(REAL, 'example_ct.nii.gz')) ? undefined : `SKIPPED: ${REAL} not found (the real CT of ../shared/realdata)`);

const sim = tempDir();
const simulation = runCli(['simulate', 'hip', '--n', '2', '--seed', '7', '--poses', 'standing', '--out', sim], 300_000);

const dice = (a: ArrayLike<number>, b: ArrayLike<number>): number => maskOverlap(a, b).dice;

interface HipCtJson {
  femurs: Record<
    'left' | 'right',
    { found: boolean; notes: string[]; headCentreMm: number[] | null; proximalFemur: { cm3: number; cutBelowHeadMm: number | null } | null }
  >;
}

test('hip-ct on SIMULATED CTs: each femur Dice >= 0.93, the target PF region Dice >= 0.90, head centres within 3 mm', async () => {
  assert.equal(simulation.status, 0, simulation.stderr);
  for (const person of ['hip-0001', 'hip-0002']) {
    const out = join(sim, `seg-${person}`);
    const run = runCli(['hip-ct', join(sim, 'images', `${person}-ct`), '--out', out], 120_000);
    assert.equal(run.status, 0, run.stderr);
    const ours = await readNifti(join(out, 'hip-labels.nii.gz'));
    const truth = canonicalVolume(await readNifti(join(sim, 'masks', `${person}-ct-labels.nii.gz`)), 'truth');
    assert.deepEqual(ours.size, truth.size);
    const nx = truth.size[0];
    // Simulator labels: 1 pelvis, 2 left femur, 3 right femur, 4 the target side's PF region.
    const targetLeft = Array.from(truth.data).some((v, p) => v === 4 && p % nx > nx / 2);
    for (const side of ['left', 'right'] as const) {
      const isSide = (p: number): boolean => (side === 'left' ? p % nx > nx / 2 : p % nx < nx / 2);
      const femurLabels = side === 'left' ? [2, 4] : [3, 5];
      const oursFemur = Array.from(ours.data, (v) => (femurLabels.includes(Number(v)) ? 1 : 0));
      const truthFemur = Array.from(truth.data, (v, p) => (v === (side === 'left' ? 2 : 3) || (v === 4 && isSide(p)) ? 1 : 0));
      const d = dice(oursFemur, truthFemur);
      assert.ok(d >= 0.93, `${person} ${side} femur Dice ${d.toFixed(3)}`);
    }
    const pfLabel = targetLeft ? 4 : 5;
    const pfDice = dice(
      Array.from(ours.data, (v) => (Number(v) === pfLabel ? 1 : 0)),
      Array.from(truth.data, (v) => (v === 4 ? 1 : 0)),
    );
    assert.ok(pfDice >= 0.9, `${person} PF Dice ${pfDice.toFixed(3)}`);
    const report = JSON.parse(readFileSync(join(out, 'hip-ct.json'), 'utf8')) as HipCtJson;
    const simTruth = JSON.parse(readFileSync(join(sim, 'truth', `${person}.json`), 'utf8')) as { shape: { leftHipCentreMm: number[] } };
    const h = simTruth.shape.leftHipCentreMm;
    for (const side of ['left', 'right'] as const) {
      const expected = [side === 'left' ? h[0]! : -h[0]!, h[1]!, h[2]!];
      const found = report.femurs[side].headCentreMm!;
      const error = Math.hypot(found[0]! - expected[0]!, found[1]! - expected[1]!, found[2]! - expected[2]!);
      assert.ok(error <= 3, `${person} ${side} head centre ${error.toFixed(1)} mm off`);
      assert.ok(report.femurs[side].proximalFemur!.cutBelowHeadMm !== null, 'the shaft in the field gives a lesser-trochanter cut');
    }
  }
});

test('hip-ct on the real CT: the natural right femur against its reference mask; the prosthesis side flagged', { skip: noRealCt }, async (t) => {
  const out = tempDir();
  const run = runCli(['hip-ct', join(REAL, 'example_ct.nii.gz'), '--out', out], 120_000);
  assert.equal(run.status, 0, run.stderr);
  const ours = await readNifti(join(out, 'hip-labels.nii.gz'));
  const reference = canonicalVolume(await readNifti(join(REAL, 'reference-masks', 'femur_right.nii.gz')), 'reference');
  const d = dice(
    Array.from(ours.data, (v) => (Number(v) === 3 || Number(v) === 5 ? 1 : 0)),
    reference.data,
  );
  t.diagnostic(`real CT right femur Dice ${d.toFixed(3)} (TotalSegmentator reference, 3 mm voxels)`);
  // Measured 0.728 (docs/hip.md); the bound catches a regression. Issue 22 asks for 0.85.
  assert.ok(d >= 0.7, `right femur Dice ${d.toFixed(3)}`);
  const report = JSON.parse(readFileSync(join(out, 'hip-ct.json'), 'utf8')) as HipCtJson;
  assert.ok(
    report.femurs.left.notes.some((n) => n.includes('metal')),
    'the left hip prosthesis is flagged',
  );
  assert.ok(
    report.femurs.right.notes.some((n) => n.includes('field ends above the lesser trochanter')),
    'the cut-off field is said',
  );
  assert.ok(existsSync(join(out, 'hip-labels.png')));
});

test.todo('hip-ct on the real CT: right femur Dice >= 0.85 (issue 22); 0.728 now, see docs/hip.md');

test('hip-ct refuses what is not a CT in HU, naming the file, with exit 2', () => {
  const dir = tempDir();
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not an image');
  const wrongKind = runCli(['hip-ct', text, '--out', join(dir, 'a')]);
  assert.equal(wrongKind.status, 2);
  assert.match(wrongKind.stderr, /notes\.txt/);
  const missing = runCli(['hip-ct', join(dir, 'nothing'), '--out', join(dir, 'b')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file/);
});

test('hip-ct refuses a label volume given as the CT (values not in HU)', async () => {
  assert.equal(simulation.status, 0, simulation.stderr);
  const run = runCli(['hip-ct', join(sim, 'masks', 'hip-0001-ct-labels.nii.gz'), '--out', join(tempDir(), 'x')]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /Hounsfield/);
});
