// `train hip` end to end on a small SIMULATED cohort (6 persons, two poses): the training
// targets it makes by registering each person's CT to each radiograph are checked against the
// simulator's own PF-DRRs (which the method never reads), the model folder it writes loads and
// predicts, a second run reuses the cached registrations, stage three fine-tunes from radiographs
// alone, and --folds without --networks is refused.
// The figures of a full-size model are in docs/hip.md; this checks the chain, not the accuracy.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dicomFrameToImage2D } from '../src/io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { readCsvTable } from '../src/io/csv-table.js';
import { readNifti } from '../src/io/nifti.js';
import { readHipCohort } from '../src/pipelines/hip/hip-cohort.js';
import { HIP_FIELD, hipFieldPlacement, sampleHipField } from '../src/pipelines/hip/radiograph/hip-field.js';
import { median } from '../src/stats/descriptive.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const out = tempDir('hip-train-');
const cohortDir = join(out, 'cohort');
const cohortCsv = join(cohortDir, 'cohort.csv');
const targets = join(out, 'targets');

test('train hip: targets from the CT registered to each radiograph match the simulator, and the model predicts', async () => {
  const simulated = runCli(['simulate', 'hip', '--n', '6', '--seed', '12', '--poses', 'standing,supine', '--out', cohortDir], 300_000);
  assert.equal(simulated.status, 0, simulated.stderr);
  const model = join(out, 'model');
  const trained = runCli(['train', 'hip', '--cohort', cohortCsv, '--out', model, '--epochs', '1,1,1', '--seed', '2', '--targets', targets], 900_000);
  assert.equal(trained.status, 0, trained.stderr);
  assert.match(trained.stderr, /registering each CT to 12 radiographs of 6 persons/);
  const description = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')) as {
    pipeline: string;
    command: string;
    name: string;
    parameters: {
      hierarchical: boolean;
      calibration: { thresholdGPerCm2: number; fits: Record<string, { n: number }> };
      regression: { measures: string[]; mean: number[]; sd: number[]; reported: string };
    };
    trainingData: { simulated: boolean; cases: number };
    networks: Record<string, { spec: { architecture: string } }>;
    metrics: { training: Record<string, unknown[]>; calibration: { radiographs: number }; regressionHeldOut: { r: Record<string, number> } };
  };
  assert.equal(description.pipeline, 'hip');
  assert.match(description.command, /^openbmd train hip /);
  assert.equal(description.trainingData.simulated, true);
  assert.equal(description.trainingData.cases, 12);
  assert.equal(description.parameters.hierarchical, true);
  assert.deepEqual(Object.keys(description.metrics.training), ['stage1-bone', 'stage2-pf', 'stage3-regression']);
  // Stage three: the regression network on the generator's encoder, one output per measure, checked on the held-out persons.
  assert.equal(description.networks['bmd-regression']?.spec.architecture, 'encoder-regression');
  assert.deepEqual(description.parameters.regression.measures, ['femneck_abmd', 'tothip_abmd', 'hip_vbmd']);
  assert.equal(description.parameters.regression.reported, 'mean');
  const femneckValues = cohortCsvValues(cohortCsv, 'femneck_abmd');
  near(description.parameters.regression.mean[0]!, femneckValues, 'the training mean lies within the cohort');
  assert.ok(Object.keys(description.metrics.regressionHeldOut.r).includes('femneck_abmd'));
  // A quarter of the persons (with both their radiographs) fit the lines.
  assert.ok(description.metrics.calibration.radiographs >= 3 && description.metrics.calibration.radiographs % 2 === 0);
  assert.equal(description.parameters.calibration.fits['femneck_abmd']?.n, description.metrics.calibration.radiographs);

  // Each cached target against the simulator's PF-DRR of the same radiograph, on the same field.
  const cohort = readHipCohort(cohortCsv);
  const dice: number[] = [];
  const massRatio: number[] = [];
  const n = HIP_FIELD.rows * HIP_FIELD.columns;
  for (const c of cohort.cases) {
    const bytes = readFileSync(join(targets, `${c.caseId}.f32`));
    const made = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 4 * n, bytes.byteOffset + 8 * n));
    const image = dicomFrameToImage2D(await readDicomFile(c.image));
    const truth = await readNifti(join(cohortDir, 'drr', `${c.caseId}-pf-drr.nii.gz`));
    const field = sampleHipField({ size: image.size, data: truth.data }, hipFieldPlacement({ image, side: c.side! }));
    let a = 0;
    let b = 0;
    let both = 0;
    let sumMade = 0;
    let sumTruth = 0;
    for (let k = 0; k < n; k++) {
      const inTruth = field[k]! > 0.05;
      const inMade = made[k]! > 0.05;
      a += Number(inTruth);
      b += Number(inMade);
      both += Number(inTruth && inMade);
      sumMade += made[k]!;
      sumTruth += field[k]!;
    }
    dice.push((2 * both) / (a + b));
    massRatio.push(sumMade / sumTruth);
  }
  process.stderr.write(
    `hip targets vs the simulator's PF-DRRs: support Dice median ${median(dice).toFixed(3)} (${dice.map((d) => d.toFixed(2)).join(' ')}), mineral mass ratio median ${median(massRatio).toFixed(3)}\n`,
  );
  assert.ok(median(dice) >= 0.85, `support Dice median ${median(dice)}`);
  // The HU read as hydroxyapatite at 70 keV gives about three quarters of the simulator's mineral
  // (0.79 on the dev cohort, 0.72 here): a scale the BMD lines absorb, bounded so a unit slip shows.
  assert.ok(median(massRatio) > 0.6 && median(massRatio) < 1.25, `mass ratio median ${median(massRatio)}`);

  // Predict with the model: every row measured (or flagged), the cohort's side reported.
  const predictions = join(out, 'predictions.csv');
  const predicted = runCli(['predict', '--model', model, '--cohort', cohortCsv, '--out', predictions], 300_000);
  assert.equal(predicted.status, 0, predicted.stderr);
  const rows = readCsvTable(predictions).rows;
  assert.equal(rows.length, 12);
  for (const row of rows) {
    const caseId = row.cells.get('case_id')!;
    assert.equal(row.cells.get('hip_side'), cohort.cases.find((c) => c.caseId === caseId)!.side === 'left' ? 'L' : 'R');
    assert.ok(Number.isFinite(Number(row.cells.get('pf_drr_mean'))) || row.cells.get('error') !== '', caseId);
  }

  // The ablation reuses the registrations (nothing registered again) and trains stage two alone;
  // here with the two-channel input (the field and its high-pass) and stage three on it. Its cohort
  // is reached through a link: the cached registrations name the same files by other paths.
  const linked = join(out, 'linked-cohort');
  symlinkSync(cohortDir, linked, 'dir');
  const flat = runCli(
    [
      'train',
      'hip',
      '--cohort',
      join(linked, 'cohort.csv'),
      '--out',
      join(out, 'model-flat'),
      '--epochs',
      '1,1,1',
      '--seed',
      '2',
      '--no-hierarchical',
      '--input-channels',
      '2',
      '--targets',
      targets,
    ],
    600_000,
  );
  assert.equal(flat.status, 0, flat.stderr);
  assert.doesNotMatch(flat.stderr, /registering each CT/);
  const flatDescription = JSON.parse(readFileSync(join(out, 'model-flat', 'model.json'), 'utf8')) as {
    name: string;
    parameters: { field: { inputChannels: number } };
    networks: Record<string, { spec: { options: { inputShape?: number[]; generator?: { inputShape: number[] } } } }>;
    metrics: { training: object };
  };
  assert.equal(flatDescription.name, 'hip-bmd-gan-flat');
  assert.deepEqual(Object.keys(flatDescription.metrics.training), ['stage2-pf', 'stage3-regression']);
  assert.equal(flatDescription.parameters.field.inputChannels, 2);
  assert.deepEqual(flatDescription.networks['pf-decomposition']?.spec.options.inputShape, [HIP_FIELD.rows, HIP_FIELD.columns, 2]);
  assert.deepEqual(flatDescription.networks['bmd-regression']?.spec.options.generator?.inputShape, [HIP_FIELD.rows, HIP_FIELD.columns, 2]);
  assert.ok(readdirSync(targets).some((f) => f.startsWith('checkpoint-stage2-pf-flat-')));

  // Recalibrating a model with stage three (the two-channel one) refits a line on its regression
  // network's values, out of fold with --folds.
  const recalibrated = runCli(
    ['train', 'hip', '--cohort', cohortCsv, '--out', join(out, 'model-recalibrated'), '--networks', join(out, 'model-flat'), '--folds', '2'],
    300_000,
  );
  assert.equal(recalibrated.status, 0, recalibrated.stderr);
  const recalibratedDescription = JSON.parse(readFileSync(join(out, 'model-recalibrated', 'model.json'), 'utf8')) as {
    parameters: { regression: { lines: Record<string, { slope: number }> } };
    networks: Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(recalibratedDescription.networks).sort(), ['bmd-regression', 'pf-decomposition']);
  assert.ok(Number.isFinite(recalibratedDescription.parameters.regression.lines['femneck_abmd']?.slope));
  assert.equal(readCsvTable(join(out, 'model-recalibrated', 'predictions.csv')).rows.length, 12);

  // Stage three fine-tuned from radiographs and BMD alone (no CT, no registration): two networks
  // from the two-channel model's generator, which is kept to the byte with its BMD lines; the
  // persons held out are those its generator never saw (same cohort, same seed), checked on.
  const fineTuned = runCli(
    [
      'train',
      'hip',
      '--cohort',
      cohortCsv,
      '--out',
      join(out, 'model-fine-tuned'),
      '--fine-tune',
      join(out, 'model-flat'),
      '--epochs',
      '1,1,2',
      '--seed',
      '2',
      '--regression-members',
      '2',
      '--estimate',
      'regression',
    ],
    300_000,
  );
  assert.equal(fineTuned.status, 0, fineTuned.stderr);
  assert.doesNotMatch(fineTuned.stderr, /registering each CT/);
  type Described = {
    parameters: { calibration: unknown; regression: { members: number; reported: string; trainedOn: string } };
    networks: Record<string, { weightsSha256: string }>;
    metrics: { calibration?: { radiographs: number }; regressionHeldOut: { r: Record<string, number>; note: string } };
  };
  const fineTunedDescription = JSON.parse(readFileSync(join(out, 'model-fine-tuned', 'model.json'), 'utf8')) as Described;
  const flatFull = JSON.parse(readFileSync(join(out, 'model-flat', 'model.json'), 'utf8')) as Described;
  assert.deepEqual(Object.keys(fineTunedDescription.networks).sort(), ['bmd-regression', 'bmd-regression-2', 'pf-decomposition']);
  assert.equal(fineTunedDescription.networks['pf-decomposition']?.weightsSha256, flatFull.networks['pf-decomposition']?.weightsSha256);
  assert.notEqual(fineTunedDescription.networks['bmd-regression']?.weightsSha256, flatFull.networks['bmd-regression']?.weightsSha256);
  assert.deepEqual(fineTunedDescription.parameters.calibration, flatFull.parameters.calibration);
  assert.equal(fineTunedDescription.parameters.regression.members, 2);
  assert.equal(fineTunedDescription.parameters.regression.reported, 'regression');
  // Every radiograph of the persons not held out: the model's calibration persons' radiographs are the rest of the 12.
  const heldOutRadiographs = flatFull.metrics.calibration!.radiographs;
  assert.match(
    fineTunedDescription.parameters.regression.trainedOn,
    new RegExp(`^every readable radiograph \\(${12 - heldOutRadiographs}\\) of ${6 - heldOutRadiographs / 2} persons`),
  );
  assert.match(fineTunedDescription.metrics.regressionHeldOut.note, new RegExp(`on ${heldOutRadiographs / 2} persons`));
  assert.ok(Object.keys(fineTunedDescription.metrics.regressionHeldOut.r).includes('femneck_abmd'));
  const both = runCli([
    'train',
    'hip',
    '--cohort',
    cohortCsv,
    '--out',
    join(out, 'model-both'),
    '--fine-tune',
    join(out, 'model-flat'),
    '--networks',
    join(out, 'model-flat'),
  ]);
  assert.equal(both.status, 2, both.stderr);
  assert.match(both.stderr, /without --networks or --folds/);

  const folds = runCli(['train', 'hip', '--cohort', cohortCsv, '--out', join(out, 'model-folds'), '--folds', '3', '--targets', targets], 120_000);
  assert.equal(folds.status, 2, folds.stderr);
  assert.match(folds.stderr, /does not cross-validate its generator/);
});

/** The range of a cohort column's values (the regression's training mean must fall inside it). */
function cohortCsvValues(csv: string, column: string): [number, number] {
  const values = readCsvTable(csv)
    .rows.map((r) => Number(r.cells.get(column)))
    .filter((v) => Number.isFinite(v) && v > 0);
  return [Math.min(...values), Math.max(...values)];
}

function near(value: number, [low, high]: [number, number], what: string): void {
  assert.ok(value >= low && value <= high, `${what}: ${value} not in [${low}, ${high}]`);
}
