// Classification, agreement and overlap metrics checked against scikit-learn (and scipy's pearsonr).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { aucWithDeLong, classificationSummary, confusionMatrix, errorSummary, maskOverlap, oneVsRestAucs, pearsonCorrelation } from '../src/stats/index.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';

const skip = announceSkip(pythonModulesMissing(['sklearn', 'scipy'], 'python3-sklearn'));

function near(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: openbmd ${actual} vs sklearn ${expected}`);
}

const SKLEARN_SCRIPT = `
import json, sys
import numpy as np
from scipy.stats import pearsonr
from sklearn.metrics import (confusion_matrix, roc_auc_score, precision_recall_fscore_support, accuracy_score,
    cohen_kappa_score, mean_absolute_error, mean_squared_error, r2_score, jaccard_score, f1_score, recall_score)
d = json.load(sys.stdin)
truth, pred, probs = np.array(d["truth"]), np.array(d["pred"]), np.array(d["probs"])
precision, recall, _, support = precision_recall_fscore_support(truth, pred, labels=[0, 1, 2], zero_division=0)
ovr = [roc_auc_score(truth == c, probs[:, c]) for c in range(3)]
yt, yp = np.array(d["yTruth"]), np.array(d["yPred"])
mt, mp = np.array(d["maskTruth"]), np.array(d["maskPred"])
print(json.dumps({
  "matrix": confusion_matrix(truth, pred, labels=[0, 1, 2]).tolist(),
  "precision": precision.tolist(), "recall": recall.tolist(), "support": support.tolist(),
  "accuracy": accuracy_score(truth, pred), "kappa": cohen_kappa_score(truth, pred),
  "ovr": ovr,
  "macroOvr": roc_auc_score(truth, probs, multi_class="ovr", average="macro"),
  "r": pearsonr(yp, yt)[0],
  "mae": mean_absolute_error(yt, yp), "rmse": float(np.sqrt(mean_squared_error(yt, yp))), "r2": r2_score(yt, yp),
  "iou": jaccard_score(mt, mp), "dice": f1_score(mt, mp), "maskRecall": recall_score(mt, mp),
}))`;

interface SklearnResult {
  matrix: number[][];
  precision: number[];
  recall: number[];
  support: number[];
  accuracy: number;
  kappa: number;
  ovr: number[];
  macroOvr: number;
  r: number;
  mae: number;
  rmse: number;
  r2: number;
  iou: number;
  dice: number;
  maskRecall: number;
}

test('confusion matrix, per-class PPV/sensitivity, accuracy, kappa, one-vs-rest AUCs, r, MAE, RMSE, R^2, IoU and Dice match scikit-learn', { skip }, () => {
  const random = new SeededRandom(2024);
  const truth: number[] = [];
  const pred: number[] = [];
  const probs: number[][] = [];
  for (let i = 0; i < 250; i += 1) {
    const t = random.nextInt(3);
    const logits = [0, 1, 2].map((c) => (c === t ? 1.2 : 0) + random.nextNormal());
    const exps = logits.map(Math.exp);
    const total = exps.reduce((a, b) => a + b, 0);
    // Rounded to 1/50 so scores tie; the last class takes the remainder so rows sum to 1.
    const p0 = Math.floor((exps[0]! / total) * 50) / 50;
    const p1 = Math.floor((exps[1]! / total) * 50) / 50;
    const p = [p0, p1, 1 - p0 - p1];
    truth.push(t);
    probs.push(p);
    pred.push(logits.indexOf(Math.max(...logits)));
  }
  const yTruth = Array.from({ length: 80 }, () => 100 + 30 * random.nextNormal());
  const yPred = yTruth.map((y) => 5 + 0.95 * y + 8 * random.nextNormal());
  const maskTruth = Array.from({ length: 400 }, (_, i) => (i % 20 > 5 && i % 20 < 15 ? 1 : 0));
  const maskPred = maskTruth.map((m) => (random.nextFloat() < 0.1 ? 1 - m : m));
  const reference = runPythonJson<SklearnResult>(SKLEARN_SCRIPT, { truth, pred, probs, yTruth, yPred, maskTruth, maskPred });

  const classes = ['normal', 'osteopenia', 'osteoporosis'];
  const summary = classificationSummary(confusionMatrix(truth, pred, classes), 'clopper-pearson');
  assert.deepEqual(summary.matrix.counts, reference.matrix);
  summary.perClass.forEach((c, i) => {
    near(c.ppv.value, reference.precision[i]!, `${c.className} PPV`);
    near(c.sensitivity.value, reference.recall[i]!, `${c.className} sensitivity`);
    assert.equal(c.support, reference.support[i]);
  });
  near(summary.accuracy.value, reference.accuracy, 'accuracy');
  near(summary.kappa, reference.kappa, 'kappa');
  const aucs = oneVsRestAucs(truth, 3, (c) => probs.map((p) => p[c]!));
  aucs.forEach((a, c) => near(a!.auc, reference.ovr[c]!, `one-vs-rest AUC ${c}`));
  near(aucs.reduce((s, a) => s + a!.auc, 0) / 3, reference.macroOvr, 'macro one-vs-rest AUC');
  near(
    aucWithDeLong(
      probs.map((p) => p[2]!),
      truth.map((t) => t === 2),
    ).auc,
    reference.ovr[2]!,
    'AUC',
  );

  near(pearsonCorrelation(yPred, yTruth).r, reference.r, 'Pearson r');
  const errors = errorSummary(yPred, yTruth);
  near(errors.mae, reference.mae, 'MAE');
  near(errors.rmse, reference.rmse, 'RMSE');
  near(errors.r2AboutIdentity, reference.r2, 'R^2 about identity');
  const overlap = maskOverlap(maskPred, maskTruth);
  near(overlap.iou, reference.iou, 'IoU');
  near(overlap.dice, reference.dice, 'Dice');
  near(overlap.recall, reference.maskRecall, 'mask recall');
});
