// The lumbar BMD ensemble: train with folds keeps each fold's network beside the all-data one and
// records them in model.json; analyze reports the mean of every member's estimates (each member run
// here on its own), and the mean of predictions is the closed form.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadClinicalKnowledge } from '../src/clinical/index.js';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { analyzeLumbar } from '../src/pipelines/lumbar/analyze-lumbar.js';
import type { BmdPrediction } from '../src/pipelines/lumbar/bmd-network-io.js';
import { averageBmdPredictions, predictBmd } from '../src/pipelines/lumbar/bmd-network-io.js';
import { eachEnsembleNetwork } from '../src/pipelines/lumbar/bmd-ensemble.js';
import { loadNetworkFiles } from '../src/nn/model-folder/network-files.js';
import { caseCategory } from '../src/evaluate/case-category.js';
import { readCsvTable } from '../src/io/csv-table.js';
import { readLumbarCohort } from '../src/pipelines/lumbar/lumbar-cohort.js';
import type { ReferralRule } from '../src/pipelines/lumbar/referral-rule.js';
import { chooseReferralRule } from '../src/pipelines/lumbar/referral-rule.js';
import { disposeLumbarModel, loadLumbarModel } from '../src/pipelines/lumbar/lumbar-model.js';
import { lumbarRadiograph } from '../src/pipelines/lumbar/lumbar-radiograph.js';
import { locateStudy } from '../src/pipelines/lumbar/lumbar-study-inputs.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

test('the ensemble estimate is the mean of the aBMDs and of the class probabilities (closed form)', () => {
  const a: BmdPrediction = { lumbarAbmdGPerCm2: 0.8, femneckAbmdGPerCm2: 0.6, probabilities: { normal: 0.2, osteopenia: 0.5, osteoporosis: 0.3 } };
  const b: BmdPrediction = { lumbarAbmdGPerCm2: 1.0, femneckAbmdGPerCm2: 0.7, probabilities: { normal: 0.6, osteopenia: 0.3, osteoporosis: 0.1 } };
  const c: BmdPrediction = { lumbarAbmdGPerCm2: 0.9, femneckAbmdGPerCm2: 0.8, probabilities: { normal: 0.4, osteopenia: 0.4, osteoporosis: 0.2 } };
  const mean = averageBmdPredictions([a, b, c]);
  assert.ok(Math.abs(mean.lumbarAbmdGPerCm2 - 0.9) < 1e-12);
  assert.ok(Math.abs(mean.femneckAbmdGPerCm2 - 0.7) < 1e-12);
  assert.ok(Math.abs(mean.probabilities.normal - 0.4) < 1e-12);
  assert.ok(Math.abs(mean.probabilities.osteopenia - 0.4) < 1e-12);
  assert.ok(Math.abs(mean.probabilities.osteoporosis - 0.2) < 1e-12);
  assert.throws(() => averageBmdPredictions([]), /no BMD predictions/);
});

test('train lumbar --folds keeps the fold networks; analyze averages them with the all-data network', async () => {
  const root = tempDir('lumbar-ensemble-');
  const cohortDir = join(root, 'cohort');
  const simulated = runCli(['simulate', 'lumbar', '--n', '8', '--seed', '94', '--vendors', 'vendor-a,vendor-b', '--out', cohortDir], 600_000);
  assert.equal(simulated.status, 0, simulated.stderr);
  const modelDir = join(root, 'model');
  const cohortCsv = join(cohortDir, 'cohort.csv');
  const trained = runCli(
    [
      'train',
      'lumbar',
      '--cohort',
      cohortCsv,
      '--out',
      modelDir,
      '--networks',
      'models/lumbar',
      '--folds',
      '2',
      '--epochs',
      '1,1',
      '--variants',
      'ap+lat',
      '--seed',
      '2',
    ],
    600_000,
  );
  assert.equal(trained.status, 0, trained.stderr);
  assert.match(trained.stderr, /ensemble of 3/);
  const description = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as {
    parameters: { variants: { variant: string; ensembleFolds: number[] }[] };
    networks: Record<string, { preprocessing: { trainedOn?: string }; weightsSha256: string }>;
  };
  assert.deepEqual(description.parameters.variants[0]!.ensembleFolds, [1, 2]);
  // The referral rule is the one the out-of-fold predictions and the cohort's truth give (none when one class is missing).
  const knowledge = loadClinicalKnowledge();
  const cases = new Map(readLumbarCohort(cohortCsv).cases.map((c) => [c.caseId, c] as const));
  const outOfFold = readCsvTable(join(modelDir, 'predictions.csv')).rows.flatMap((row) => {
    const c = cases.get(row.cells.get('case_id') ?? '')!;
    const p = row.cells.get('p_osteoporosis') ?? '';
    const truth = caseCategory(knowledge, { sex: c.sex, ageYears: c.ageYears }, { lumbar_abmd: c.lumbarAbmd!, femneck_abmd: c.femneckAbmd! });
    return p === '' || !('formed' in truth) ? [] : [{ pOsteoporosis: Number(p), osteoporotic: truth.formed.category === 'osteoporosis' }];
  });
  assert.ok(outOfFold.length >= 4, `${outOfFold.length} studies predicted out of fold`);
  const expected = chooseReferralRule({ studies: outOfFold, targetSensitivity: 0.8, chosenOn: '' });
  const recorded = (description.parameters.variants[0] as { referral?: ReferralRule }).referral;
  assert.ok(expected !== undefined && recorded !== undefined, 'seed 94 has osteoporotic and other studies: a rule is chosen');
  // predictions.csv holds 4 decimals of the probabilities the rule was chosen on.
  assert.ok(Math.abs(recorded.pOsteoporosisAtLeast - expected.pOsteoporosisAtLeast) < 1e-4);
  assert.equal(recorded.osteoporotic, expected.osteoporotic);
  assert.equal(recorded.others, expected.others);
  assert.ok(recorded.sensitivity >= 0.8);
  assert.match(trained.stderr, /refer for DXA when p\(osteoporosis\) >= /);
  // The locators' origin is where they were trained, followed through a model that reused them.
  const shipped = JSON.parse(readFileSync('models/lumbar/model.json', 'utf8')) as {
    parameters: { networksFrom?: { cohort: string } };
    trainingData: { cohort: string };
  };
  assert.equal(
    (description.parameters as { networksFrom?: { cohort: string } }).networksFrom?.cohort,
    shipped.parameters.networksFrom?.cohort ?? shipped.trainingData.cohort,
  );
  for (const fold of [1, 2]) {
    assert.ok(existsSync(join(modelDir, 'networks', `bmd-ap-lat-fold-${fold}`, 'weights.bin')));
    assert.match(description.networks[`bmd-ap-lat-fold-${fold}`]!.preprocessing.trainedOn ?? '', new RegExp(`fold ${fold} of 2`));
  }

  const tf = await nnBackend('wasm');
  const model = await loadLumbarModel(tf, modelDir);
  try {
    const [bmd] = model.bmd;
    assert.equal(bmd!.memberWeights.length, 3);
    const c = readLumbarCohort(cohortCsv).cases[0]!;
    const images = { ap: lumbarRadiograph(await readDicomFile(c.image), 'ap'), lat: lumbarRadiograph(await readDicomFile(c.imageLat!), 'lat') };
    const person = { sex: c.sex, ageYears: c.ageYears, heightCm: c.heightCm, weightKg: c.weightKg };
    const analysis = analyzeLumbar(tf, { model, images, files: { ap: c.image, lat: c.imageLat! }, person, knowledge: loadClinicalKnowledge() });
    assert.ok(analysis.prediction !== undefined, analysis.notes.join('; '));
    assert.equal(analysis.used?.networksAveraged, 3);
    assert.equal(analysis.referral?.refer, analysis.prediction.probabilities.osteoporosis >= recorded.pOsteoporosisAtLeast);
    const located = locateStudy(tf, { locators: model.locators, images, covariates: person, useCovariates: bmd!.covariates, bodyContrast: bmd!.bodyContrast });
    // Each member on the shared graph, and each fold network loaded on its own (its own graph from its folder): the same numbers.
    const each = eachEnsembleNetwork(bmd!, (network) => predictBmd(tf, network, 'ap+lat', [located.input])[0]!);
    for (const fold of [1, 2]) {
      const name = `bmd-ap-lat-fold-${fold}`;
      const alone = await loadNetworkFiles(tf, join(modelDir, 'networks', name), description.networks[name]!.weightsSha256);
      try {
        assert.deepEqual(predictBmd(tf, alone, 'ap+lat', [located.input])[0], each[fold], `${name} on its own graph`);
      } finally {
        alone.dispose();
      }
    }
    // The all-data network's weights are back on the graph after the folds ran.
    assert.deepEqual(predictBmd(tf, bmd!.network, 'ap+lat', [located.input])[0], each[0]);
    const spread = Math.max(...each.map((p) => p.lumbarAbmdGPerCm2)) - Math.min(...each.map((p) => p.lumbarAbmdGPerCm2));
    assert.ok(spread > 1e-4, `three differently trained networks give different estimates (spread ${spread})`);
    const mean = each.reduce((a, p) => a + p.lumbarAbmdGPerCm2, 0) / each.length;
    assert.ok(Math.abs(analysis.prediction.lumbarAbmdGPerCm2 - mean) < 1e-5, `${analysis.prediction.lumbarAbmdGPerCm2} vs mean ${mean}`);
    const meanFemneck = each.reduce((a, p) => a + p.femneckAbmdGPerCm2, 0) / each.length;
    assert.ok(Math.abs(analysis.prediction.femneckAbmdGPerCm2 - meanFemneck) < 1e-5);
  } finally {
    disposeLumbarModel(model);
  }
});
