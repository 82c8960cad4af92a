// The population model's cohort statistics within the bands the seed cohorts set: WHO prevalence
// in adults >= 50 (seed 004: about a third each), ACR prevalence on QCT (seed 002), spine-hip
// correlation 0.6-0.75, and the pediatric gain of distal-radius aBMD with age.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { PopulationModel, choleskyFactor } from '../src/simulate/population-model.js';
import { pearsonCorrelation } from '../src/stats/pearson-correlation.js';

const model = new PopulationModel();
const share = (values: readonly number[], keep: (v: number) => boolean): number => values.filter(keep).length / values.length;

test('lumbar cohort (adults >= 50): WHO categories on L1-L4 about a third each, mean T near seed 004', () => {
  const random = new SeededRandom(11);
  const people = Array.from({ length: 5000 }, (_, i) => model.draw('lumbar', `p${i}`, random));
  assert.ok(people.every((p) => p.ageYears >= 50));
  const t = people.map((p) => (p.targets.lumbarAbmd! - 1.047) / 0.11);
  const osteoporosis = share(t, (v) => v <= -2.5);
  const normal = share(t, (v) => v >= -1);
  assert.ok(osteoporosis > 0.25 && osteoporosis < 0.4, `osteoporosis ${osteoporosis}`);
  assert.ok(normal > 0.22 && normal < 0.38, `normal ${normal}`);
  assert.ok(1 - osteoporosis - normal > 0.3 && 1 - osteoporosis - normal < 0.46);
  const meanT = t.reduce((s, v) => s + v, 0) / t.length;
  assert.ok(meanT > -2.1 && meanT < -1.5, `mean T ${meanT}`);
  const r = pearsonCorrelation(
    people.map((p) => p.targets.lumbarAbmd!),
    people.map((p) => p.targets.totalHipAbmd!),
  ).r;
  assert.ok(r > 0.6 && r < 0.75, `spine-hip r ${r}`);
  const women = people.filter((p) => p.sex === 'F').length / people.length;
  assert.ok(Math.abs(women - 0.8) < 0.03);
});

test('ct-spine cohort: ACR categories near seed 002 (about 24 % < 80, 39 % > 120 mg/cm3)', () => {
  const random = new SeededRandom(12);
  const v = Array.from({ length: 5000 }, (_, i) => model.draw('ct-spine', `p${i}`, random).targets.spineVbmd!);
  const low = share(v, (x) => x < 80);
  const high = share(v, (x) => x > 120);
  assert.ok(low > 0.15 && low < 0.32, `< 80: ${low}`);
  assert.ok(high > 0.3 && high < 0.48, `> 120: ${high}`);
});

test('children 3-16: distal-radius aBMD rises with age; BMI and sex mix as in seed 000', () => {
  const random = new SeededRandom(13);
  const kids = Array.from({ length: 4000 }, (_, i) => model.draw('forearm', `c${i}`, random));
  const meanIn = (lo: number, hi: number): number => {
    const v = kids.filter((k) => k.ageYears >= lo && k.ageYears < hi).map((k) => k.targets.distalRadiusAbmd!);
    return v.reduce((s, x) => s + x, 0) / v.length;
  };
  assert.ok(meanIn(3, 6) < meanIn(8, 11) && meanIn(8, 11) < meanIn(14, 17));
  assert.ok(meanIn(14, 17) / meanIn(3, 6) > 1.5);
  const boys = kids.filter((k) => k.sex === 'M').length / kids.length;
  assert.ok(Math.abs(boys - 0.496) < 0.03);
});

test('Cholesky factor reproduces the matrix; a non-positive-definite one is refused', () => {
  const m = [
    [4, 2, 0.4],
    [2, 5, 1],
    [0.4, 1, 3],
  ];
  const l = choleskyFactor(m);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(l[i]!.reduce((s, v, k) => s + v * l[j]![k]!, 0) - m[i]![j]!) < 1e-12);
  assert.throws(
    () =>
      choleskyFactor([
        [1, 2],
        [2, 1],
      ]),
    /not positive definite/,
  );
});
