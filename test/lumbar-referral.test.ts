// The DXA-referral rule: the threshold on p(osteoporosis) that reaches a target sensitivity, in closed
// form and against scikit-learn's ROC curve; and evaluate's referral block from a refer_dxa column.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadClinicalKnowledge } from '../src/clinical/index.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import type { JoinedCase } from '../src/evaluate/join-predictions.js';
import { referralMetrics } from '../src/evaluate/referral-metrics.js';
import { chooseReferralRule, isReferred } from '../src/pipelines/lumbar/referral-rule.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';

const skip = announceSkip(pythonModulesMissing(['sklearn'], 'python3-sklearn'));

const scored = (positives: number[], negatives: number[]) => [
  ...positives.map((p) => ({ pOsteoporosis: p, osteoporotic: true })),
  ...negatives.map((p) => ({ pOsteoporosis: p, osteoporotic: false })),
];

test('the referral threshold is the highest that flags the target share of the osteoporotic studies (closed form)', () => {
  const studies = scored([0.9, 0.8, 0.7, 0.6, 0.5], [0.1, 0.2, 0.55, 0.65, 0.3]);
  const at80 = chooseReferralRule({ studies, targetSensitivity: 0.8, chosenOn: 'test' })!;
  assert.equal(at80.pOsteoporosisAtLeast, 0.6);
  assert.equal(at80.sensitivity, 0.8);
  assert.equal(at80.specificity, 0.8);
  assert.equal(at80.osteoporotic, 5);
  assert.equal(at80.others, 5);
  const all = chooseReferralRule({ studies, targetSensitivity: 1, chosenOn: 'test' })!;
  assert.equal(all.pOsteoporosisAtLeast, 0.5);
  assert.equal(all.specificity, 0.6);
  // ceil(0.5 x 5) = 3 osteoporotic studies at or above it.
  assert.equal(chooseReferralRule({ studies, targetSensitivity: 0.5, chosenOn: 'test' })!.pOsteoporosisAtLeast, 0.7);
  // Ties: every study at the threshold is referred, so the sensitivity may exceed the target.
  const tied = chooseReferralRule({ studies: scored([0.5, 0.5, 0.5], [0.5, 0.2]), targetSensitivity: 0.34, chosenOn: 'test' })!;
  assert.equal(tied.sensitivity, 1);
  assert.equal(tied.specificity, 0.5);
  assert.equal(isReferred(tied, 0.5), true);
  assert.equal(isReferred(tied, 0.4999), false);
  assert.equal(chooseReferralRule({ studies: scored([], [0.1, 0.2]), targetSensitivity: 0.8, chosenOn: 'test' }), undefined);
  assert.equal(chooseReferralRule({ studies: scored([0.3], []), targetSensitivity: 0.8, chosenOn: 'test' }), undefined);
});

test('the referral threshold, sensitivity and specificity match the first point of scikit-learn roc_curve reaching the target', { skip }, () => {
  const random = new SeededRandom(31);
  const studies = Array.from({ length: 300 }, () => {
    const osteoporotic = random.nextFloat() < 0.2;
    // Rounded to 1/40 so probabilities tie, as a network's often nearly do.
    const p = Math.round(40 / (1 + Math.exp(-(random.nextNormal() + (osteoporotic ? 1.3 : -0.4))))) / 40;
    return { pOsteoporosis: p, osteoporotic };
  });
  const reference = runPythonJson<{ thresholds: number[]; tpr: number[]; fpr: number[] }>(
    `
import json, sys
import numpy as np
from sklearn.metrics import roc_curve
d = json.load(sys.stdin)
fpr, tpr, thresholds = roc_curve(np.array(d["y"]), np.array(d["s"]), drop_intermediate=False)
print(json.dumps({"thresholds": [float(t) for t in thresholds], "tpr": tpr.tolist(), "fpr": fpr.tolist()}))`,
    { y: studies.map((s) => (s.osteoporotic ? 1 : 0)), s: studies.map((s) => s.pOsteoporosis) },
  );
  for (const target of [0.5, 0.8, 0.9, 0.95]) {
    const rule = chooseReferralRule({ studies, targetSensitivity: target, chosenOn: 'test' })!;
    const first = reference.tpr.findIndex((t) => t >= target - 1e-12);
    assert.ok(first > 0, `sklearn reaches ${target}`);
    assert.ok(
      Math.abs(rule.pOsteoporosisAtLeast - reference.thresholds[first]!) < 1e-12,
      `threshold at ${target}: ${rule.pOsteoporosisAtLeast} vs ${reference.thresholds[first]}`,
    );
    assert.ok(Math.abs(rule.sensitivity - reference.tpr[first]!) < 1e-12, `sensitivity at ${target}`);
    assert.ok(Math.abs(rule.specificity - (1 - reference.fpr[first]!)) < 1e-12, `specificity at ${target}`);
  }
});

function joined(caseId: string, lumbarAbmd: number, referDxa: boolean | undefined): JoinedCase {
  return {
    caseId,
    patientId: caseId,
    site: 'lumbar',
    cohortLine: 2,
    predictionLine: 2,
    person: { sex: 'F', ageYears: 65 },
    truth: { lumbar_abmd: lumbarAbmd },
    predicted: {},
    predictedCategory: undefined,
    probabilities: undefined,
    referDxa,
  };
}

test("evaluate's referral block counts the flag against WHO osteoporosis by the cohort's truth", () => {
  const knowledge = loadClinicalKnowledge();
  // Lumbar aBMD 0.70 g/cm2 is T <= -2.5 for a woman (young-adult mean ~1.05, SD ~0.11); 1.00 is normal.
  const cases = [
    joined('a', 0.7, true),
    joined('b', 0.7, true),
    joined('c', 0.7, false),
    joined('d', 1.0, true),
    joined('e', 1.0, false),
    joined('f', 1.0, false),
    joined('g', 1.0, false),
    joined('h', 1.0, undefined),
  ];
  const r = referralMetrics(knowledge, cases)!;
  assert.equal(r.n, 7);
  assert.equal(r.excluded, 1);
  assert.equal(r.osteoporotic, 3);
  assert.equal(r.referred, 3);
  assert.ok(Math.abs(r.sensitivity - 2 / 3) < 1e-12);
  assert.ok(Math.abs(r.specificity - 3 / 4) < 1e-12);
  assert.ok(Math.abs(r.ppv - 2 / 3) < 1e-12);
  assert.ok(Math.abs(r.npv - 3 / 4) < 1e-12);
  // Clopper-Pearson for 2 of 3, as R's binom.test(2, 3)$conf.int: 0.0943-0.9916.
  assert.ok(Math.abs(r.sensitivityCi95[0] - 0.09429932) < 1e-6 && Math.abs(r.sensitivityCi95[1] - 0.99159624) < 1e-6, `${r.sensitivityCi95}`);
  assert.equal(referralMetrics(knowledge, [joined('h', 1.0, undefined)]), undefined);
});
