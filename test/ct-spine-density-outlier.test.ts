// The density rule that leaves out a level much denser than its neighbours (a compacted fracture the
// height rule passes, sclerosis), in closed form: over 0.2 of the two others' mean (at least 10 mg/cm3)
// when those two agree within that margin; nothing when the others disagree or fewer than three levels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DENSER_FLOOR_MG_PER_CM3, DENSER_SHARE, denserThanNeighbours } from '../src/pipelines/ct-spine/density-outlier.js';

const levels = (t12: number, l1: number, l2: number) => [
  { level: 'T12' as const, mgPerCm3: t12 },
  { level: 'L1' as const, mgPerCm3: l1 },
  { level: 'L2' as const, mgPerCm3: l2 },
];

test('density rule: a level 25 % denser than agreeing neighbours is left out; 15 % is not', () => {
  assert.equal(DENSER_SHARE, 0.2);
  assert.equal(DENSER_FLOOR_MG_PER_CM3, 10);
  // L1 compacted to 1.25 x 100: 125 against 100 (margin 20).
  const compacted = denserThanNeighbours(levels(102, 125, 98));
  assert.deepEqual(compacted, [{ level: 'L1', mgPerCm3: 125, neighboursMgPerCm3: 100 }]);
  assert.deepEqual(denserThanNeighbours(levels(102, 115, 98)), []);
  // Just over and just under the margin: 100 + 20.5 and 100 + 19.5.
  assert.equal(denserThanNeighbours(levels(100, 120.5, 100)).length, 1);
  assert.equal(denserThanNeighbours(levels(100, 119.5, 100)).length, 0);
  // A lower level is not an outlier here (this rule looks for compaction only).
  assert.deepEqual(denserThanNeighbours(levels(100, 70, 100)), []);
});

test('density rule: the floor in a very osteoporotic spine, disagreeing neighbours, fewer than three levels', () => {
  // Neighbours at 30: 0.2 x 30 = 6, so the floor of 10 applies: 41 is out, 39 is not.
  assert.equal(denserThanNeighbours(levels(30, 41, 30)).length, 1);
  assert.equal(denserThanNeighbours(levels(30, 39, 30)).length, 0);
  // T12 130 and L1 100 disagree by 30 (> 0.2 x 115): L2 at 150 is not judged against them.
  assert.deepEqual(denserThanNeighbours(levels(130, 100, 150)), []);
  assert.deepEqual(denserThanNeighbours(levels(100, 130, 100).slice(1)), []);
});
