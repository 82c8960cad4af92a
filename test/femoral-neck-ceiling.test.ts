// scripts/femoral-neck-ceiling.py (issue 21's information limit) on a cohort whose answer is known in
// closed form: femoral neck = 0.25 + 0.5 x lumbar + Gaussian noise of sd 0.05 g/cm2, so the best
// out-of-fold MAE from the true lumbar aBMD is the noise's mean absolute value, 0.05 x sqrt(2/pi).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../src/core/seeded-random.js';
import { pythonModulesMissing } from './helpers/python-reference.js';
import { DEBIAN_PYTHON, announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/femoral-neck-ceiling.py', import.meta.url));
const skip = announceSkip(pythonModulesMissing(['sklearn', 'numpy'], 'python3-sklearn'));

function syntheticCohort(n: number): string {
  const random = new SeededRandom(21);
  const header =
    'case_id,patient_id,site,image,image_lat,ct,view,sex,age_years,height_cm,weight_kg,phantom,forearm_abmd,lumbar_abmd,femneck_abmd,tothip_abmd,spine_vbmd,hip_vbmd,hip_side';
  const lines = [header];
  for (let i = 1; i <= n; i++) {
    const lumbar = 0.95 + 0.15 * random.nextNormal();
    const neck = 0.25 + 0.5 * lumbar + 0.05 * random.nextNormal();
    const id = `lumbar-${String(i).padStart(4, '0')}`;
    lines.push(
      `${id},P${i},lumbar,images/${id}-ap.dcm,,,AP,${i % 2 === 0 ? 'F' : 'M'},${(50 + (i % 30)).toFixed(1)},165.0,70.0,,,${lumbar.toFixed(4)},${neck.toFixed(4)},,,,`,
    );
  }
  const dir = tempDir('femneck-ceiling-');
  const file = join(dir, 'cohort.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function maeOf(output: string, label: RegExp): number {
  const line = output.split('\n').find((l) => label.test(l));
  assert.ok(line !== undefined, `no line ${label} in:\n${output}`);
  return Number(/MAE ([0-9.]+)/.exec(line)![1]);
}

test('the femoral-neck ceiling: from the true lumbar aBMD, the noise floor in closed form; from the covariates alone, far above it', { skip }, () => {
  const run = spawnSync(DEBIAN_PYTHON, [SCRIPT, syntheticCohort(600)], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const expected = 0.05 * Math.sqrt(2 / Math.PI);
  const fromLumbar = maeOf(run.stdout, /true L1-L4 aBMD\s+linear/);
  assert.ok(Math.abs(fromLumbar - expected) < 0.004, `MAE ${fromLumbar}, noise floor ${expected.toFixed(4)}`);
  // The covariates carry nothing here: the femoral neck's own spread, sqrt(0.075^2 + 0.05^2) x sqrt(2/pi).
  const fromCovariates = maeOf(run.stdout, /age, sex, BMI only\s+linear/);
  assert.ok(Math.abs(fromCovariates - Math.hypot(0.075, 0.05) * Math.sqrt(2 / Math.PI)) < 0.008, `covariates only: MAE ${fromCovariates}`);
  assert.match(run.stdout, /osteoporosis \(lowest T-score of lumbar spine and femoral neck\): \d+ of 600/);
});

test('the femoral-neck ceiling refuses a cohort without the truths it needs (exit 2, the file named)', { skip }, () => {
  const dir = tempDir('femneck-ceiling-empty-');
  const file = join(dir, 'cohort.csv');
  writeFileSync(file, 'case_id,patient_id,site,lumbar_abmd\nlumbar-0001,P1,lumbar,0.9\n');
  const run = spawnSync(DEBIAN_PYTHON, [SCRIPT, file], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /cohort\.csv: 0 rows with lumbar_abmd, femneck_abmd/);
});
