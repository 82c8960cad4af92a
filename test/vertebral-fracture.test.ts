// The simulator's osteoporotic fractures (Genant et al. 1993 types and grades, data/simulate/trunk-anatomy.json):
// types and grades drawn at the data file's shares, each grade's height loss in its range, and the
// body shaped where the type takes the height (the voxelised shapes are in test/trunk-morphometry.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { drawVertebralFracture, fracturedBodyShape } from '../src/simulate/spine/vertebral-fracture.js';
import { loadTrunkAnatomyMeasures } from '../src/simulate/trunk-anatomy-measures.js';

test("drawn fractures: types and grades at the data file's shares, each grade's height loss in Genant's range, shaped where its type takes it", () => {
  const f = loadTrunkAnatomyMeasures().vertebralFractures;
  const random = new SeededRandom(17);
  const n = 4000;
  const draws = Array.from({ length: n }, () => drawVertebralFracture(random));
  const share = (pick: (d: (typeof draws)[number]) => boolean): number => draws.filter(pick).length / n;
  assert.ok(Math.abs(share((d) => d.type === 'wedge') - f.wedgeShare.value) < 0.025);
  assert.ok(Math.abs(share((d) => d.type === 'biconcave') - f.biconcaveShare.value) < 0.025);
  assert.ok(Math.abs(share((d) => d.grade === 3) - f.severeShare.value) < 0.025);
  for (const d of draws) {
    const range = d.grade === 1 ? f.mildHeightLoss : d.grade === 2 ? f.moderateHeightLoss : f.severeHeightLoss;
    assert.ok(d.heightLoss >= range.min && d.heightLoss <= range.max, JSON.stringify(d));
    const shape = fracturedBodyShape(d);
    if (d.type === 'wedge') assert.deepEqual(shape, { heightRatio: 1, anteriorHeightRatio: 1 - d.heightLoss, centralCaveShare: 0 });
    if (d.type === 'crush') assert.deepEqual(shape, { heightRatio: 1 - d.heightLoss, anteriorHeightRatio: 1, centralCaveShare: 0 });
    if (d.type === 'biconcave') assert.deepEqual(shape, { heightRatio: 1, anteriorHeightRatio: 1, centralCaveShare: d.heightLoss });
  }
  // Genant's grade 1 begins at a 20 % loss, grade 3 above 40 %.
  assert.equal(f.mildHeightLoss.min, 0.2);
  assert.equal(f.severeHeightLoss.min, 0.4);
});
