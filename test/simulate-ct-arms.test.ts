// Arms down beside the trunk in `simulate ct-spine` (--arms-down-share): the joints at the heights
// Drillis & Contini give as shares of stature, the humerus beside the trunk in the slices above the
// elbow, the field of view widened to hold the arms (within 500 mm), and the model-free methods on
// such series: the count still finds its discs and the phantomless calibration its references.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { internalCalibration } from '../src/calibration/phantomless/internal-calibration.js';
import { readNifti } from '../src/io/nifti.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { countVertebrae } from '../src/pipelines/ct-spine/count-vertebrae.js';
import { readCtSpineSeries } from '../src/pipelines/ct-spine/ct-spine-series.js';
import type { SimulatedPerson } from '../src/simulate/person.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { drawSpineShape } from '../src/simulate/spine/spine-shape.js';
import { SEGMENT_HEIGHT_SHARE, armJointHeightsMm } from '../src/simulate/trunk/arms-down.js';
import { TISSUE_CLASS } from '../src/simulate/trunk/tissue-class.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const out = tempDir('ct-arms-');
const run = runCli(
  ['simulate', 'ct-spine', '--out', out, ...'--n 3 --seed 5 --ct-slices 112 --slice-mm 3 --ct-matrix 400 --arms-down-share 1'.split(' ')],
  300_000,
);

interface Truth {
  zRangeMm: [number, number];
  pixelSpacingMm: number;
  body: { semiMm: [number, number] };
  armsDown: { gapMm: number; upperArmRadiusMm: number } | null;
}
const truthOf = (c: string): Truth => JSON.parse(readFileSync(join(out, 'truth', `${c}.json`), 'utf8')) as Truth;
const cases = (): string[] => readdirSync(join(out, 'images')).sort();

test('the arm joints at the shares of stature of Drillis & Contini (shoulder 0.818, elbow 0.630, wrist 0.485)', () => {
  const person: SimulatedPerson = { patientId: 'SIM-ARMS', sex: 'M', ageYears: 60, heightCm: 175, weightKg: 80, bmi: 26, targets: {} };
  const spine = drawSpineShape(person, { fractureShare: 0 }, new SeededRandom(1));
  const j = armJointHeightsMm(person, spine);
  const stature = 1750;
  assert.ok(Math.abs(j.shoulder - j.elbow - (SEGMENT_HEIGHT_SHARE.shoulder - SEGMENT_HEIGHT_SHARE.elbow) * stature) < 1e-6);
  assert.ok(Math.abs(j.elbow - j.wrist - (SEGMENT_HEIGHT_SHARE.elbow - SEGMENT_HEIGHT_SHARE.wrist) * stature) < 1e-6);
  // The elbow hangs beside the upper lumbar spine, the wrist below the sacral base (an abdomen-pelvis field holds both).
  const l1 = spine.vertebrae.find((v) => v.level === 'L1')!.centerMm[2];
  assert.ok(j.elbow < l1 + 60 && j.elbow > l1 - 150, `elbow ${(j.elbow - l1).toFixed(0)} mm from L1`);
  assert.ok(j.wrist < spine.sacrumTopMm[2], `wrist ${(j.wrist - spine.sacrumTopMm[2]).toFixed(0)} mm from the sacral base`);
});

test('with --arms-down-share 1 every series holds the arms: bone beside the trunk, the field widened to hold them', async () => {
  assert.equal(run.status, 0, run.stderr);
  let held = 0;
  for (const c of cases()) {
    const truth = truthOf(c);
    assert.ok(truth.armsDown !== null, `${c}: arms not down`);
    const [a] = truth.body.semiMm;
    const fieldMm = 400 * truth.pixelSpacingMm;
    assert.ok(fieldMm <= 500 + 1e-6, `${c}: ${fieldMm.toFixed(0)} mm field`);
    // The field holds the arms, or is at the scanner's 500 mm and cuts them (body and arms are wider
    // than that in most adults); where the humerus lies inside, its bone is in the slices.
    const humerusOuterMm = a + truth.armsDown.gapMm + truth.armsDown.upperArmRadiusMm + 11;
    const capped = fieldMm > 499.9;
    assert.ok(capped || fieldMm / 2 > humerusOuterMm, `${c}: the field (${fieldMm.toFixed(0)} mm) misses the humerus`);
    if (fieldMm / 2 < humerusOuterMm) continue;
    held++;
    // Cortical bone more than 40 mm outside the trunk's side in most slices (humerus or forearm bones).
    const tissues = await readNifti(join(out, 'masks', `${c}-tissues.nii.gz`));
    const [nx, ny, nz] = tissues.size;
    let slicesWithArmBone = 0;
    for (let k = 0; k < nz; k++) {
      let found = false;
      for (let j = 0; j < ny && !found; j++)
        for (let i = 0; i < nx && !found; i++) {
          const xMm = (i - (nx - 1) / 2) * truth.pixelSpacingMm;
          if (Math.abs(xMm) > a + 40 && Number(tissues.data[i + nx * (j + ny * k)]) === TISSUE_CLASS.corticalBone) found = true;
        }
      if (found) slicesWithArmBone++;
    }
    assert.ok(slicesWithArmBone > 0.8 * nz, `${c}: arm bone in ${slicesWithArmBone} of ${nz} slices`);
  }
  assert.ok(held >= 1, 'no series whose field holds the humeri');
});

test('the model-free methods on arms-down series: the count finds its discs, the phantomless calibration its references', async () => {
  assert.equal(run.status, 0, run.stderr);
  const catalog = await loadMaterialCatalog();
  for (const c of cases()) {
    const volume = (await readCtSpineSeries(join(out, 'images', c))).volume;
    const count = countVertebrae(volume);
    assert.ok(count.discsMm.length >= 5, `${c}: ${count.discsMm.length} discs`);
    const calibration = internalCalibration({ catalog, volume, sliceRange: [0, volume.size[2] - 1] });
    assert.ok(calibration.ok, calibration.ok ? '' : `${c}: ${calibration.problem}`);
    assert.ok(
      calibration.calibration.fatHu < -60 && calibration.calibration.muscleHu > 0,
      `${c}: fat ${calibration.calibration.fatHu}, muscle ${calibration.calibration.muscleHu}`,
    );
  }
});
