// `openbmd simulate hip` end to end: one row per pose with a shared patient, total hip aBMD (DXA
// definition) meeting the drawn target with the neck below it, the PF-DRR following each pose and
// conserving the proximal femur's mineral mass, the PF region on the CT grid matching the fine PF
// volume, DX and CT files that dciodvfy accepts, and bad poses rejected.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { readNifti } from '../src/io/nifti.js';
import { runCli } from './helpers/cli.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const PERSONS = 3;
const POSES = ['standing', 'supine', 'abduction', 'adduction'];
const out = tempDir();
const run = runCli(
  [
    'simulate',
    'hip',
    '--n',
    String(PERSONS),
    '--out',
    out,
    '--seed',
    '6',
    '--pixel-mm',
    '1',
    '--ct-matrix',
    '128',
    '--ct-slices',
    '60',
    '--slice-mm',
    '4',
    '--summary',
  ],
  300_000,
);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const rows = (): Record<string, string>[] => parse(readFileSync(join(out, 'cohort.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
const person = (k: number): string => `hip-${String(k).padStart(4, '0')}`;

interface Truth {
  femoralNeckAbmdGPerCm2: number;
  totalHipAbmdGPerCm2: number;
  hipVbmdMgPerCm3: number;
  pfVolumeCm3: number;
  targets: { totalHipAbmd: number };
}

test('simulate hip writes one row per pose, sharing the patient, the CT and the truths', () => {
  assert.equal(run.status, 0, run.stderr);
  const cohort = rows();
  assert.equal(cohort.length, PERSONS * POSES.length);
  for (let k = 1; k <= PERSONS; k++) {
    const mine = cohort.filter((r) => r['case_id']!.startsWith(`${person(k)}-`));
    assert.deepEqual(
      mine.map((r) => r['view']),
      POSES,
    );
    assert.equal(new Set(mine.map((r) => r['patient_id'])).size, 1);
    assert.equal(new Set(mine.map((r) => `${r['ct']}|${r['tothip_abmd']}|${r['femneck_abmd']}|${r['hip_vbmd']}`)).size, 1);
    assert.equal(mine[0]!['ct'], `images/${person(k)}-ct`);
  }
  assert.match(run.stdout, /^SIMULATED hip cohort, n = 3/);
});

test('total hip aBMD meets the target; the neck is lower; PF vBMD is an integral proximal-femur density', () => {
  for (let k = 1; k <= PERSONS; k++) {
    const truth = readJson<Truth>(join(out, 'truth', `${person(k)}.json`));
    assert.ok(
      Math.abs(truth.totalHipAbmdGPerCm2 / truth.targets.totalHipAbmd - 1) < 0.01,
      `${person(k)}: ${truth.totalHipAbmdGPerCm2} vs ${truth.targets.totalHipAbmd}`,
    );
    assert.ok(truth.femoralNeckAbmdGPerCm2 < truth.totalHipAbmdGPerCm2 * 1.05, `neck ${truth.femoralNeckAbmdGPerCm2} vs total ${truth.totalHipAbmdGPerCm2}`);
    assert.ok(truth.hipVbmdMgPerCm3 > 120 && truth.hipVbmdMgPerCm3 < 500, `hip vBMD ${truth.hipVbmdMgPerCm3}`);
    // An adult proximal femur (head to below the lesser trochanter) is roughly 60-160 cm3.
    assert.ok(truth.pfVolumeCm3 > 50 && truth.pfVolumeCm3 < 200, `PF volume ${truth.pfVolumeCm3}`);
  }
});

test('the PF-DRR follows each pose and conserves the PF mineral mass (cone-beam, within 4 %)', async () => {
  const k = 1;
  const pfVolume = await readNifti(join(out, 'masks', `${person(k)}-pf-volume.nii.gz`));
  const voxelCm3 = (pfVolume.spacingMm[0] * pfVolume.spacingMm[1] * pfVolume.spacingMm[2]) / 1000;
  let massG = 0;
  for (let p = 0; p < pfVolume.data.length; p++) massG += (pfVolume.data[p]! * voxelCm3) / 1000;
  const landmarks = readJson<{
    poses: Record<string, { femoralHeadCentre: [number, number]; lesserTrochanter: [number, number]; magnificationAtHead: number }>;
  }>(join(out, 'landmarks', `${person(k)}.json`));
  for (const pose of POSES) {
    const drr = await readNifti(join(out, 'drr', `${person(k)}-${pose}-pf-drr.nii.gz`));
    const [columns] = drr.size;
    const at = (p: [number, number]): number => drr.data[Math.round(p[1]) * columns + Math.round(p[0])]!;
    const lm = landmarks.poses[pose]!;
    assert.ok(at(lm.femoralHeadCentre) > 0.3, `${pose}: PF-DRR at the head centre ${at(lm.femoralHeadCentre)}`);
    assert.ok(at(lm.lesserTrochanter) > 0.1, `${pose}: PF-DRR at the lesser trochanter ${at(lm.lesserTrochanter)}`);
    // Mass: sum of g/cm2 x pixel area at the femur's depth (detector pixel / magnification^2).
    let sum = 0;
    for (let p = 0; p < drr.data.length; p++) sum += drr.data[p]!;
    const pixelCm2 = (drr.spacingMm[0] / 10) ** 2;
    const magnification = lm.magnificationAtHead;
    const drrMassG = (sum * pixelCm2) / magnification ** 2;
    assert.ok(
      Math.abs(drrMassG / massG - 1) < 0.04,
      `${pose}: DRR mass ${drrMassG.toFixed(2)} g vs volume ${massG.toFixed(2)} g (M = ${magnification.toFixed(3)})`,
    );
  }
  const lt = (pose: string): [number, number] => landmarks.poses[pose]!.lesserTrochanter;
  assert.ok(
    Math.hypot(lt('abduction')[0] - lt('adduction')[0], lt('abduction')[1] - lt('adduction')[1]) > 5,
    'abduction and adduction move the lesser trochanter on the image',
  );
});

test('the PF region on the CT grid matches the fine PF volume; DX and CT pass dciodvfy', async (t) => {
  const k = 2;
  const labels = await readNifti(join(out, 'masks', `${person(k)}-ct-labels.nii.gz`));
  let pfVoxels = 0;
  const seen = new Set<number>();
  for (let p = 0; p < labels.data.length; p++) {
    seen.add(labels.data[p]!);
    if (labels.data[p] === 4) pfVoxels++;
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
  const truth = readJson<Truth>(join(out, 'truth', `${person(k)}.json`));
  const ctCm3 = (pfVoxels * labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2]) / 1000;
  assert.ok(Math.abs(ctCm3 / truth.pfVolumeCm3 - 1) < 0.2, `PF on the CT grid ${ctCm3.toFixed(1)} cm3 vs fine volume ${truth.pfVolumeCm3.toFixed(1)} cm3`);
  await t.test('DX and CT pass dciodvfy', { skip: announceSkip(commandMissing('dciodvfy', 'dicom3tools')) }, () => {
    for (const file of [join('images', `${person(k)}-abduction.dcm`), join('images', `${person(k)}-ct`, 'ct-0030.dcm')]) {
      const check = spawnSync('dciodvfy', [join(out, file)], { encoding: 'utf8' });
      assert.doesNotMatch(`${check.stdout}${check.stderr}`, /Error|Warning/, `${file}: ${check.stderr}`);
    }
  });
});

test('an unknown pose exits 2 with one clear line', () => {
  const bad = runCli(['simulate', 'hip', '--n', '1', '--out', tempDir(), '--poses', 'standing,cartwheel'], 30_000);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--poses takes standing, supine, abduction, adduction; got 'standing,cartwheel'/);
});
