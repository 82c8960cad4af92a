// Edge cases and closed forms of src/stats: ties, constant predictions, an absent class, n < 3,
// NaN and empty input, splits, precision, PSNR and point errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import {
  aucWithDeLong,
  blandAltman,
  classificationSummary,
  confusionMatrix,
  errorSummary,
  groupedKFold,
  groupedPartition,
  intraclassCorrelations,
  linearFit,
  maskOverlap,
  pairedDeLongTest,
  pearsonCorrelation,
  peakSignalToNoiseDb,
  pointDistancesMm,
  precisionError,
  proportion,
  rocCurve,
  splitByLabel,
  summarizePointErrors,
} from '../src/stats/index.js';

function throwsCode(run: () => unknown, code: string): void {
  assert.throws(run, (thrown: unknown) => thrown instanceof OpenBmdError && thrown.code === code);
}

test('NaN or infinite input throws INVALID_VALUE naming the position; empty input throws EMPTY_INPUT', () => {
  throwsCode(() => pearsonCorrelation([1, 2, Number.NaN], [1, 2, 3]), 'INVALID_VALUE');
  throwsCode(() => errorSummary([1, Number.POSITIVE_INFINITY], [1, 2]), 'INVALID_VALUE');
  throwsCode(() => aucWithDeLong([0.1, Number.NaN], [true, false]), 'INVALID_VALUE');
  throwsCode(() => errorSummary([], []), 'EMPTY_INPUT');
  throwsCode(() => pearsonCorrelation([1], [1]), 'EMPTY_INPUT');
  throwsCode(() => intraclassCorrelations([[1, 2]]), 'EMPTY_INPUT');
  throwsCode(() => pearsonCorrelation([1, 2, 3], [1, 2]), 'INVALID_VALUE');
  assert.throws(() => pearsonCorrelation([1, Number.NaN], [1, 2]), /value 1 is NaN/);
});

test('n < 3: estimates exist, intervals are undefined (NaN)', () => {
  const r = pearsonCorrelation([1, 2, 3], [2, 4, 7]);
  assert.ok(Number.isFinite(r.r));
  assert.ok(Number.isNaN(r.ci95[0]) && Number.isNaN(r.ci95[1]), 'Fisher CI needs n >= 4');
  const fit = linearFit([1, 2], [3, 5]);
  assert.equal(fit.slope, 2);
  assert.equal(fit.intercept, 1);
  assert.ok(Number.isNaN(fit.see), 'SEE needs n >= 3');
  const agreement = blandAltman([1, 2], [1.5, 2.5]);
  assert.equal(agreement.bias, -0.5);
  assert.equal(agreement.sd, 0);
  assert.ok(Number.isNaN(agreement.loaLowerCi95[0]));
});

test('constant predictions: r and the fit are undefined, AUC is exactly 0.5, errors are still defined', () => {
  const truth = [0.7, 0.8, 0.9, 1.0, 1.1];
  const constant = [0.9, 0.9, 0.9, 0.9, 0.9];
  assert.ok(Number.isNaN(pearsonCorrelation(constant, truth).r));
  assert.ok(Number.isNaN(linearFit(constant, truth).slope));
  const errors = errorSummary(constant, truth);
  assert.ok(Math.abs(errors.bias - 0) < 1e-12);
  assert.ok(Math.abs(errors.mae - 0.12) < 1e-12);
  const auc = aucWithDeLong([0.3, 0.3, 0.3, 0.3], [true, false, true, false]);
  assert.equal(auc.auc, 0.5);
  assert.equal(auc.variance, 0);
});

test('ties: the AUC counts a tie as half (closed form)', () => {
  // Cases {1, 2}, controls {1, 0}: pairs (1>1? tie .5) (1>0 1) (2>1 1) (2>0 1) => 3.5 / 4.
  assert.equal(aucWithDeLong([1, 2, 1, 0], [true, true, false, false]).auc, 0.875);
  const curve = rocCurve(splitByLabel([1, 2, 1, 0], [true, true, false, false]));
  assert.deepEqual(
    curve.map((p) => [p.sensitivity, p.specificity]),
    [
      [1, 0],
      [1, 0.5],
      [0.5, 1],
      [0, 1],
    ],
  );
});

test('one class absent: AUC, sensitivity and their CIs are NaN; the paired test refuses', () => {
  const auc = aucWithDeLong([0.1, 0.5, 0.9], [false, false, false]);
  assert.ok(Number.isNaN(auc.auc));
  assert.equal(auc.cases, 0);
  assert.deepEqual(rocCurve(splitByLabel([0.1, 0.2], [true, true])), []);
  const summary = classificationSummary(confusionMatrix([0, 0, 1], [0, 1, 1], ['normal', 'osteopenia', 'osteoporosis']), 'wilson');
  const absent = summary.perClass[2]!;
  assert.equal(absent.support, 0);
  assert.ok(Number.isNaN(absent.sensitivity.value));
  assert.ok(Number.isNaN(absent.ppv.value), 'never predicted: PPV undefined');
  assert.equal(absent.specificity.value, 1);
  throwsCode(() => pairedDeLongTest([0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [true, false, false]), 'EMPTY_INPUT');
});

test('Clopper-Pearson reaches 0 and 1 at the extremes; an empty denominator gives NaN', () => {
  assert.equal(proportion(0, 10, 'clopper-pearson').ci95[0], 0);
  assert.equal(proportion(10, 10, 'clopper-pearson').ci95[1], 1);
  // 0/n: the exact upper bound is 1 - 0.025^(1/n).
  assert.ok(Math.abs(proportion(0, 10, 'clopper-pearson').ci95[1] - (1 - 0.025 ** 0.1)) < 1e-12);
  assert.ok(Number.isNaN(proportion(0, 0, 'wilson').value));
  throwsCode(() => proportion(3, 2, 'wilson'), 'INVALID_VALUE');
});

test('precision: RMS-SD, RMS-CV and LSC in closed form (ISCD: 2.77 x precision)', () => {
  // Pairs differing by d have SD d / sqrt(2).
  const result = precisionError([
    [1.0, 1.02],
    [0.8, 0.78],
    [0.9, 0.93],
  ]);
  const expectedSd = Math.sqrt((0.02 ** 2 / 2 + 0.02 ** 2 / 2 + 0.03 ** 2 / 2) / 3);
  assert.ok(Math.abs(result.rmsSd - expectedSd) < 1e-12);
  const cv = (d: number, m: number): number => d / Math.SQRT2 / m;
  const expectedCv = Math.sqrt((cv(0.02, 1.01) ** 2 + cv(0.02, 0.79) ** 2 + cv(0.03, 0.915) ** 2) / 3);
  assert.ok(Math.abs(result.rmsCv - expectedCv) < 1e-12);
  assert.ok(Math.abs(result.lscAbsolute - 2.77 * expectedSd) < 1e-12);
  assert.equal(result.degreesOfFreedom, 3);
  throwsCode(() => precisionError([[1.0]]), 'EMPTY_INPUT');
});

test('segmentation: Dice, IoU, pixel accuracy and PSNR in closed form; empty masks agree', () => {
  const overlap = maskOverlap([1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0]);
  assert.equal(overlap.dice, 4 / 6);
  assert.equal(overlap.iou, 2 / 4);
  assert.equal(overlap.pixelAccuracy, 4 / 6);
  const empty = maskOverlap([0, 0], [0, 0]);
  assert.equal(empty.dice, 1);
  assert.ok(Number.isNaN(empty.recall));
  // MSE 0.01 at peak 1 => 20 dB.
  assert.ok(Math.abs(peakSignalToNoiseDb([0.1, 0.3], [0.2, 0.2], 1) - 20) < 1e-9);
  assert.equal(peakSignalToNoiseDb([1, 2], [1, 2], 255), Number.POSITIVE_INFINITY);
});

test('point errors: 3-4-5 distances, median, SD and outlier share', () => {
  const distances = pointDistancesMm(
    [
      { xMm: 3, yMm: 4 },
      { xMm: 0, yMm: 0 },
      { xMm: 1, yMm: 0 },
      { xMm: 0, yMm: 10 },
    ],
    [
      { xMm: 0, yMm: 0 },
      { xMm: 0, yMm: 0 },
      { xMm: 0, yMm: 0 },
      { xMm: 0, yMm: 0 },
    ],
  );
  assert.deepEqual([...distances], [5, 0, 1, 10]);
  const summary = summarizePointErrors(distances, 4);
  assert.equal(summary.medianMm, 3);
  assert.equal(summary.meanMm, 4);
  assert.equal(summary.outlierShare, 0.5);
  assert.ok(Math.abs(summary.sdMm - Math.sqrt((1 + 16 + 9 + 36) / 3)) < 1e-12);
});

test('grouped K-fold: patients never split, folds balanced by size and stratum, same seed same folds', () => {
  const items = Array.from({ length: 300 }, (_, i) => ({
    group: `p${Math.floor(i / 3)}`,
    stratum: ['normal', 'osteopenia', 'osteoporosis'][Math.floor(i / 3) % 3],
  }));
  const folds = groupedKFold(items, 5, 11);
  const foldOfPatient = new Map<string, number>();
  items.forEach((item, i) => {
    const seen = foldOfPatient.get(item.group);
    if (seen !== undefined) assert.equal(folds[i], seen, `patient ${item.group} split across folds`);
    foldOfPatient.set(item.group, folds[i]!);
  });
  for (let f = 0; f < 5; f += 1) {
    const members = items.filter((_, i) => folds[i] === f);
    assert.equal(members.length, 60);
    for (const stratum of ['normal', 'osteopenia', 'osteoporosis']) {
      const count = members.filter((m) => m.stratum === stratum).length;
      assert.ok(Math.abs(count - 20) <= 3, `fold ${f} has ${count} ${stratum}`);
    }
  }
  assert.deepEqual(groupedKFold(items, 5, 11), folds);
  assert.notDeepEqual(groupedKFold(items, 5, 12), folds);
  throwsCode(() => groupedKFold(items.slice(0, 6), 5, 1), 'EMPTY_INPUT');
});

test('grouped train/validation/test partition: shares met, patients whole, reproducible', () => {
  const items = Array.from({ length: 400 }, (_, i) => ({ group: `p${Math.floor(i / 2)}` }));
  const partition = groupedPartition(items, { train: 0.7, validation: 0.15, test: 0.15 }, 3);
  const count = (name: string): number => partition.filter((p) => p === name).length;
  assert.ok(Math.abs(count('train') - 280) <= 2);
  assert.ok(Math.abs(count('test') - 60) <= 2);
  for (let i = 0; i < items.length; i += 2) assert.equal(partition[i], partition[i + 1]);
  assert.deepEqual(groupedPartition(items, { train: 0.7, validation: 0.15, test: 0.15 }, 3), partition);
  throwsCode(() => groupedPartition(items, { train: 0.7, validation: 0.1, test: 0.1 }, 3), 'BAD_ARGUMENT');
});
