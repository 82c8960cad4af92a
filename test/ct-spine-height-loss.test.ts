// The height rule that refuses a fracture-like level, in closed form: each level's segmented height
// against the others' median, every height scaled to the level compared by the published rise of
// body height from T12 to L1 (about 6.5 %), so a T12 a little lower than L1-L2 is not a fracture.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEIGHT_LOSS_RATIO, RELATIVE_BODY_HEIGHT, fractureLikeHeightLoss } from '../src/pipelines/ct-spine/height-loss.js';

/** T12, L1 and L2 of these heights, mm. */
const three = (t12: number, l1: number, l2: number) => [
  { level: 'T12' as const, heightMm: t12 },
  { level: 'L1' as const, heightMm: l1 },
  { level: 'L2' as const, heightMm: l2 },
];
/** L1 and L2 alone. */
const two = (l1: number, l2: number) => three(0, l1, l2).slice(1);

test('height rule: a T12 lower than L1-L2 by the published rise is intact; a fractured neighbour does not condemn it', () => {
  assert.equal(HEIGHT_LOSS_RATIO, 0.8);
  assert.ok(Math.abs(RELATIVE_BODY_HEIGHT.T12 - 0.939) < 0.001);
  // Intact: T12 23, L1 25, L2 26 mm.
  assert.deepEqual(fractureLikeHeightLoss(three(23, 25, 26)), []);
  // A wedged L1 (21 mm) beside an intact T12 of 21 mm and an L2 of 27 mm: unscaled, T12 would be
  // 21 / 27 = 0.78 of its reference and refused; scaled, its reference is 27 / 1.065 = 25.35 mm (0.83).
  const wedgedL1 = fractureLikeHeightLoss(three(21, 21, 27));
  assert.equal(wedgedL1.length, 1);
  assert.equal(wedgedL1[0]!.level, 'L1');
  assert.ok(Math.abs(wedgedL1[0]!.referenceMm - 27) < 1e-9);
});

test('height rule: real height loss is still refused at T12, L1 or L2', () => {
  // T12 at 17 mm against 26 / 1.065 = 24.41 mm: 0.70.
  const t12 = fractureLikeHeightLoss(three(17, 25, 26));
  assert.deepEqual(
    t12.map((f) => f.level),
    ['T12'],
  );
  assert.ok(Math.abs(t12[0]!.referenceMm - 26 / 1.065) < 1e-9);
  // L2 at 19 mm against the upper of T12 scaled to L2 (23 x 1.065 = 24.50) and L1 (25): 0.76.
  const l2 = fractureLikeHeightLoss(three(23, 25, 19));
  assert.deepEqual(
    l2.map((f) => f.level),
    ['L2'],
  );
  assert.ok(Math.abs(l2[0]!.referenceMm - 25) < 1e-9);
  // Just under and just over the ratio, two levels: L2 19.9 and 20.1 against L1 25 (ratio 0.8 at 20).
  assert.equal(fractureLikeHeightLoss(two(25, 19.9)).length, 1);
  assert.equal(fractureLikeHeightLoss(two(25, 20.1)).length, 0);
  // Two levels of equal height are each other's reference.
  assert.deepEqual(fractureLikeHeightLoss(two(22, 22)), []);
  // One level alone has nothing to be compared with.
  assert.deepEqual(fractureLikeHeightLoss([{ level: 'L1', heightMm: 10 }]), []);
});
