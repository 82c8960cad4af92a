// The pelvis of `simulate ct-spine`'s abdomen-pelvis fields: hips (and, in a share, a total hip
// replacement of steel) once the field reaches the acetabula, and the model-free vertebra count on
// those series: the sacrum found through the sacroiliac joints, L1 and L2 named where they are,
// metal in the field or not.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDicomSeries } from '../src/io/dicom/series/read-series.js';
import { readNifti } from '../src/io/nifti.js';
import { countVertebrae } from '../src/pipelines/ct-spine/count-vertebrae.js';
import { readCtSpineSeries } from '../src/pipelines/ct-spine/ct-spine-series.js';
import { hipProsthesisPrevalence } from '../src/simulate/hip/hip-prosthesis.js';
import { TISSUE_CLASS } from '../src/simulate/trunk/tissue-class.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const out = tempDir('ct-pelvis-');
// 3 mm slices over 450 mm, 400 x 400 at 1 mm: abdomen-pelvis fields reach below the hips.
const ARGS = '--n 10 --seed 32 --ct-matrix 400 --pixel-mm 1 --ct-slices 150 --slice-mm 3 --hip-prosthesis-share 1';
const run = runCli(['simulate', 'ct-spine', '--out', out, ...ARGS.split(' ')], 300_000);

interface Truth {
  zRangeMm: [number, number];
  sliceThicknessMm: number;
  fieldOfView: string;
  hipsInField: boolean;
  hipProsthesis: 'L' | 'R' | null;
  sacralBaseMm: [number, number, number];
  levels: { level: string; bodyCentroidMm?: [number, number, number] }[];
  segmentationVariant: { presacralVertebrae: 23 | 24 | 25 };
}
const truthOf = (c: string): Truth => JSON.parse(readFileSync(join(out, 'truth', `${c}.json`), 'utf8')) as Truth;
const cases = (): string[] => readdirSync(join(out, 'images')).sort();

test('total hip replacement prevalence by age follows Kremers 2015 (0.5 % at 50, 5.3 % at 80)', () => {
  assert.ok(Math.abs(hipProsthesisPrevalence(50) - 0.005) < 1e-9);
  assert.ok(Math.abs(hipProsthesisPrevalence(80) - 0.053) < 1e-9);
  assert.ok(Math.abs(hipProsthesisPrevalence(65) - 0.029) < 1e-9);
  assert.equal(hipProsthesisPrevalence(95), 0.053);
});

test('fields that reach the acetabula hold the hips, and with --hip-prosthesis-share 1 a steel prosthesis on one side', async () => {
  assert.equal(run.status, 0, run.stderr);
  for (const c of cases()) {
    const truth = truthOf(c);
    assert.equal(truth.hipsInField, truth.zRangeMm[0] < truth.sacralBaseMm[2] - 60, `${c}: hips in the field once it reaches 60 mm below the sacral base`);
    assert.equal(truth.hipProsthesis !== null, truth.hipsInField);
  }
  // Fields reaching 110 mm below the sacral base hold the femoral heads (about 95 mm below it).
  const withHeads = cases().filter((c) => truthOf(c).zRangeMm[0] < truthOf(c).sacralBaseMm[2] - 110);
  assert.ok(withHeads.length >= 2, `${withHeads.length} series holding the femoral heads`);
  for (const c of withHeads) {
    const truth = truthOf(c);
    const tissues = await readNifti(join(out, 'masks', `${c}-tissues.nii.gz`));
    const series = await readDicomSeries(join(out, 'images', c));
    const [nx] = series.volume.size;
    let implant = 0;
    let metalHu = 0;
    let left = 0;
    for (let p = 0; p < tissues.data.length; p++) {
      if (tissues.data[p] !== TISSUE_CLASS.implant) continue;
      implant++;
      if (series.volume.data[p]! > 2500) metalHu++;
      // DICOM LPS on a grid centred near the midline: +x is the patient's left.
      if (p % nx > nx / 2) left++;
    }
    assert.ok(implant > 500, `${c}: ${implant} implant voxels`);
    // Steel reads far above bone (thousands of HU, clipped at the stored range).
    assert.ok(metalHu > 0.5 * implant * 0.5, `${c}: ${metalHu} of ${implant} implant voxels above 2500 HU`);
    assert.equal(left > implant / 2 ? 'L' : 'R', truth.hipProsthesis, `${c}: ${left} of ${implant} implant voxels on the left`);
  }
});

test('the anatomical count on these fields: the sacrum is found through the sacroiliac joints, L1 and L2 named within 10 mm, one level off where the spine has 23 or 25 presacral vertebrae', async () => {
  assert.equal(run.status, 0, run.stderr);
  const pelvic = cases().filter((c) => truthOf(c).fieldOfView === 'abdomen-pelvis');
  assert.ok(pelvic.length >= 3, `${pelvic.length} abdomen-pelvis series`);
  let variants = 0;
  const misses: string[] = [];
  for (const c of pelvic) {
    const truth = truthOf(c);
    const count = countVertebrae((await readCtSpineSeries(join(out, 'images', c))).volume);
    assert.equal(count.problem, null, `${c}: ${count.problem}`);
    const z0 = truth.zRangeMm[0] + truth.sliceThicknessMm / 2;
    // Counting up from the sacrum names the vertebra one above L1 "L1" when L5 is part of the
    // sacrum (23 presacral), and the one below when a sixth lumbar vertebra is mobile (25): the
    // known limit of a count from one end, which the network's cross-check is there to flag.
    const presacral = truth.segmentationVariant.presacralVertebrae;
    if (presacral !== 24) variants++;
    const truthLevel = (name: string): string =>
      (presacral === 23 ? { L1: 'T12', L2: 'L1' } : presacral === 25 ? { L1: 'L2', L2: 'L3' } : { L1: 'L1', L2: 'L2' })[name]!;
    for (const name of ['L1', 'L2']) {
      const named = count.vertebrae.find((v) => v.level === name);
      const centroid = truth.levels.find((l) => l.level === truthLevel(name))?.bodyCentroidMm;
      assert.ok(centroid !== undefined, `${c}: no truth for ${truthLevel(name)}`);
      if (named === undefined) misses.push(`${c}: ${name} not named (${count.vertebrae.map((v) => v.level).join(',')})`);
      else if (Math.abs(named.centreMm[2] - (centroid[2] - z0)) >= 10)
        misses.push(
          `${c} (${presacral} presacral vertebrae): the count's ${name} at ${named.centreMm[2].toFixed(0)} mm, the truth's ${truthLevel(name)} at ${(centroid[2] - z0).toFixed(0)}`,
        );
    }
  }
  console.log(`${pelvic.length} abdomen-pelvis series, ${variants} with 23 or 25 presacral vertebrae; misses: ${misses.join('; ') || 'none'}`);
  // The count named L1 and L2 right in 21 of 22 fresh SIMULATED series (seed 908): one series may miss.
  assert.ok(misses.length <= 2 && new Set(misses.map((m) => m.split(' ')[0])).size <= 1, misses.join('; '));
});
