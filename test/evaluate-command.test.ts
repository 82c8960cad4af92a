// `openbmd evaluate` end to end: joins, problems with line numbers, metrics.json checked against R,
// classification by the ACR rule, the report files, and bad input (exit 2).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { runCli } from './helpers/cli.js';
import { rPackagesMissing, rValue, runR, writeNumericCsv } from './helpers/r-reference.js';
import { announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const skipR = announceSkip(rPackagesMissing(['psych']));

interface Sample {
  folder: string;
  cohort: string;
  predictions: string;
  /** The pairs that must join cleanly. */
  truth: number[];
  predicted: number[];
}

/** 80 CT cases; case 5's prediction is not a number, case 9 has no prediction, one stray prediction. */
function writeSample(): Sample {
  const folder = tempDir();
  const random = new SeededRandom(8);
  const cohortLines = ['case_id,patient_id,site,sex,age_years,spine_vbmd'];
  const predictionLines = ['case_id,spine_vbmd'];
  const truth: number[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < 80; i += 1) {
    const vbmd = Math.max(20, 110 + 35 * random.nextNormal());
    const estimate = 4 + 0.96 * vbmd + 9 * random.nextNormal();
    cohortLines.push(`ct${i},p${i},ct-spine,${i % 2 === 0 ? 'F' : 'M'},${55 + (i % 30)},${vbmd.toFixed(2)}`);
    if (i === 9) continue;
    if (i === 5) {
      predictionLines.push(`ct${i},n/a`);
      continue;
    }
    predictionLines.push(`ct${i},${estimate.toFixed(2)}`);
    truth.push(Number(vbmd.toFixed(2)));
    predicted.push(Number(estimate.toFixed(2)));
  }
  predictionLines.push('ghost,100');
  const cohort = join(folder, 'cohort.csv');
  const predictions = join(folder, 'predictions.csv');
  writeFileSync(cohort, `${cohortLines.join('\n')}\n`);
  writeFileSync(predictions, `${predictionLines.join('\n')}\n`);
  writeFileSync(join(folder, 'cohort.json'), JSON.stringify({ simulated: true, description: 'test cohort' }));
  return { folder, cohort, predictions, truth, predicted };
}

interface Metrics {
  cohort: { rows: number; provenance: { simulated: boolean } };
  joinedCases: number;
  problems: { file: string; line: number; caseId: string; column?: string; problem: string }[];
  measurements: Record<string, Record<string, number | number[] | null>>;
  classification: { confusionMatrix: number[][]; n: number; perClass: Record<string, { auc: number; sensitivity: number }> } | null;
  model: { name: string } | null;
}

test('evaluate: metrics.json on stdout with --json, problems named by file, line and case_id', () => {
  const sample = writeSample();
  const out = join(sample.folder, 'out');
  const result = runCli(['evaluate', '--cohort', sample.cohort, '--predictions', sample.predictions, '--out', out, '--json', '--model', 'test-model']);
  assert.equal(result.status, 0, result.stderr);
  const metrics = JSON.parse(result.stdout) as Metrics;
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')), metrics, 'stdout is metrics.json alone');
  assert.equal(metrics.cohort.rows, 80);
  assert.equal(metrics.cohort.provenance.simulated, true);
  assert.equal(metrics.model?.name, 'test-model');
  assert.equal(metrics.joinedCases, 79);
  const problems = metrics.problems.map((p) => `${p.file.endsWith('cohort.csv') ? 'cohort' : 'predictions'}:${p.line}:${p.caseId}:${p.problem}`);
  assert.ok(problems.includes("predictions:7:ct5:'n/a' is not a number"), problems.join('\n'));
  assert.ok(problems.includes('cohort:11:ct9:no prediction for this case_id'), problems.join('\n'));
  assert.ok(problems.includes('predictions:81:ghost:case_id not in the cohort'), problems.join('\n'));
  assert.equal(metrics.measurements['spine_vbmd']!['n'], sample.truth.length);
  assert.match(result.stderr, /ct5/);

  // Categories by the ACR rule, counted here independently.
  const acr = (v: number): number => (v < 80 ? 2 : v > 120 ? 0 : 1);
  const expected = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  sample.truth.forEach((t, i) => (expected[acr(t)]![acr(sample.predicted[i]!)]! += 1));
  assert.deepEqual(metrics.classification?.confusionMatrix, expected);
  assert.ok(metrics.classification!.perClass['osteoporosis']!.auc > 0.9);
  assert.equal(metrics.classification!.perClass['osteopenia']!.auc, null, 'no monotone score for the middle class without probabilities');

  const plots = readdirSync(join(out, 'plots'));
  for (const name of ['scatter-spine_vbmd.png', 'bland-altman-spine_vbmd.png', 'roc.png', 'confusion-matrix.png']) {
    assert.ok(plots.includes(name), name);
    assert.deepEqual([...readFileSync(join(out, 'plots', name)).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${name} is a PNG`);
  }
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /Simulated cohort/);
  assert.equal((html.match(/<svg/g) ?? []).length, 4);
  const pdf = readFileSync(join(out, 'report.pdf'));
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok((pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length >= 3, 'tables page + two plot pages');
});

test('evaluate: the agreement figures in metrics.json match R (cor.test, psych::ICC, lm, Bland-Altman)', { skip: skipR }, () => {
  const sample = writeSample();
  const result = runCli(['evaluate', '--cohort', sample.cohort, '--predictions', sample.predictions, '--json']);
  assert.equal(result.status, 0, result.stderr);
  const m = (JSON.parse(result.stdout) as Metrics).measurements['spine_vbmd']!;
  const csv = join(sample.folder, 'pairs.csv');
  writeNumericCsv(csv, { truth: sample.truth, predicted: sample.predicted });
  const reference = runR(
    `suppressPackageStartupMessages(library(psych)); d <- read.csv("${csv}")
emit("pcc", cor(d$predicted, d$truth))
icc <- ICC(d[, c("predicted", "truth")], lmer = FALSE)$results
emit("icc21", icc$ICC[2]); emit("icc21lower", icc[["lower bound"]][2]); emit("icc31", icc$ICC[3])
fit <- lm(truth ~ predicted, data = d); emit("slope", coef(fit)[2]); emit("intercept", coef(fit)[1]); emit("see", summary(fit)$sigma)
diff <- d$predicted - d$truth; emit("bias", mean(diff)); emit("loaupper", mean(diff) + qnorm(0.975) * sd(diff))
emit("mae", mean(abs(diff))); emit("rmse", sqrt(mean(diff^2)))`,
    sample.folder,
  );
  const near = (name: string, value: unknown, expected: number): void => {
    assert.ok(typeof value === 'number' && Math.abs(value - expected) < 1e-6, `${name}: ${String(value)} vs R ${expected}`);
  };
  near('pcc', m['pcc'], rValue(reference, 'pcc'));
  near('icc21', m['icc21'], rValue(reference, 'icc21'));
  near('icc21 CI lower', (m['icc21Ci95'] as number[])[0], rValue(reference, 'icc21lower'));
  near('icc31', m['icc31'], rValue(reference, 'icc31'));
  near('slope', m['slope'], rValue(reference, 'slope'));
  near('intercept', m['intercept'], rValue(reference, 'intercept'));
  near('see', m['see'], rValue(reference, 'see'));
  near('bias', m['bias'], rValue(reference, 'bias'));
  near('loaUpper', m['loaUpper'], rValue(reference, 'loaupper'));
  near('mae', m['mae'], rValue(reference, 'mae'));
  near('rmse', m['rmse'], rValue(reference, 'rmse'));
});

test('evaluate: categories and probabilities from predictions.csv give a confusion matrix and one-vs-rest AUCs', () => {
  const folder = tempDir();
  const cohort = ['case_id,sex,age_years,femneck_abmd'];
  const predictions = ['case_id,category,p_normal,p_osteopenia,p_osteoporosis'];
  // T-scores against 0.858 +- 0.120: -0.5 normal, -1.8 osteopenia, -3.0 osteoporosis.
  const t = [-0.5, -1.8, -3.0, -0.2, -2.0, -2.9];
  const said = ['normal', 'osteopenia', 'osteopenia', 'normal', 'osteoporosis', 'osteoporosis'];
  t.forEach((score, i) => {
    cohort.push(`f${i},F,70,${(0.858 + 0.12 * score).toFixed(4)}`);
    const p = said[i] === 'normal' ? [0.7, 0.2, 0.1] : said[i] === 'osteopenia' ? [0.2, 0.6, 0.2] : [0.05, 0.25, 0.7];
    predictions.push(`f${i},${said[i]},${p.join(',')}`);
  });
  predictions.push('f9,severe,0.1,0.1,0.8');
  writeFileSync(join(folder, 'cohort.csv'), `${cohort.join('\n')}\n`);
  writeFileSync(join(folder, 'predictions.csv'), `${predictions.join('\n')}\n`);
  const result = runCli(['evaluate', '--cohort', join(folder, 'cohort.csv'), '--predictions', join(folder, 'predictions.csv'), '--json']);
  assert.equal(result.status, 0, result.stderr);
  const metrics = JSON.parse(result.stdout) as Metrics;
  assert.deepEqual(metrics.classification?.confusionMatrix, [
    [2, 0, 0],
    [0, 1, 1],
    [0, 1, 1],
  ]);
  assert.equal(metrics.classification?.perClass['normal']?.auc, 1);
  assert.equal(metrics.classification?.perClass['normal']?.sensitivity, 1);
  assert.ok(metrics.problems.some((p) => p.caseId === 'f9' && p.line === 8));
  assert.deepEqual(metrics.measurements, {}, 'no measurement column in both files');
});

test('evaluate: bad input exits 2 with one line naming the file', () => {
  const sample = writeSample();
  const missing = runCli(['evaluate', '--cohort', join(sample.folder, 'nope.csv'), '--predictions', sample.predictions, '--json']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.csv: file not found/);

  const noId = join(sample.folder, 'no-id.csv');
  writeFileSync(noId, 'id,spine_vbmd\na,100\n');
  const noIdRun = runCli(['evaluate', '--cohort', noId, '--predictions', sample.predictions, '--json']);
  assert.equal(noIdRun.status, 2);
  assert.match(noIdRun.stderr, /no-id\.csv: no 'case_id' column/);

  const duplicate = join(sample.folder, 'dup.csv');
  writeFileSync(duplicate, 'case_id,spine_vbmd\nct1,100\nct1,101\n');
  const duplicateRun = runCli(['evaluate', '--cohort', duplicate, '--predictions', sample.predictions, '--json']);
  assert.equal(duplicateRun.status, 2);
  assert.match(duplicateRun.stderr, /case_id 'ct1' appears on line 2 and line 3/);

  const disjoint = join(sample.folder, 'disjoint.csv');
  writeFileSync(disjoint, 'case_id,spine_vbmd\nzz,100\n');
  assert.equal(runCli(['evaluate', '--cohort', disjoint, '--predictions', sample.predictions, '--json']).status, 2);
  assert.equal(runCli(['evaluate', '--cohort', sample.cohort, '--predictions', sample.predictions]).status, 2, '--out or --json required');
  const empty = join(sample.folder, 'empty.csv');
  writeFileSync(empty, '');
  assert.equal(runCli(['evaluate', '--cohort', empty, '--predictions', sample.predictions, '--json']).status, 2);
});
