// The lumbar pipeline's model-free parts against closed forms: vertebral-body boxes from a label
// image (largest region, islands ignored), seed 004's ROIs (2 mm margins, mid-disc edges, a missing
// neighbour's edge from the median gap), box IoU, the plausibility check (order, size, spacing),
// rank histogram equalisation, the covariate vector, and the multitask loss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nnBackend } from '../src/nn/nn-backend.js';
import { maskedL1AndSoftmaxLoss } from '../src/nn/losses/multitask-losses.js';
import { bmdFromOutput, covariateVector } from '../src/pipelines/lumbar/bmd-network-io.js';
import { checkLevels } from '../src/pipelines/lumbar/level-plausibility.js';
import { equaliseHistogram } from '../src/imaging/equalise-histogram.js';
import { bodiesCountedFromBelow, bodyBoxesFromLabels, boxIou, seed004RoiBoxes } from '../src/pipelines/lumbar/vertebral-body-boxes.js';
import { bmdTruthRow } from '../src/pipelines/lumbar/lumbar-training-data.js';
import { compareVariants } from '../src/pipelines/lumbar/variant-comparison.js';

const COLUMNS = 300;
const ROWS = 700;
const PIXEL_MM = 0.4;

/** Six bodies T12-L5, 100 px (40 mm) wide and 70 px (28 mm) tall, 25 px (10 mm) discs, from row 40. */
function spineLabels(skip: number[] = []): Uint8Array {
  const labels = new Uint8Array(COLUMNS * ROWS);
  for (let k = 0; k < 6; k++) {
    if (skip.includes(k + 1)) continue;
    const y0 = 40 + k * 95;
    for (let y = y0; y < y0 + 70; y++) for (let x = 100; x < 200; x++) labels[y * COLUMNS + x] = k + 1;
  }
  return labels;
}

test('body boxes: each level the bounding box of its largest region, edges at pixel borders; an island elsewhere does not stretch it', () => {
  const labels = spineLabels();
  // A 3 x 3 island labelled L2 far from L2.
  for (let y = 600; y < 603; y++) for (let x = 10; x < 13; x++) labels[y * COLUMNS + x] = 3;
  const bodies = bodyBoxesFromLabels(labels, COLUMNS, ROWS);
  assert.deepEqual(
    bodies.map((b) => b.level),
    ['T12', 'L1', 'L2', 'L3', 'L4', 'L5'],
  );
  const l2 = bodies[2]!;
  assert.deepEqual([l2.x0, l2.x1, l2.y0, l2.y1], [99.5, 199.5, 40 + 2 * 95 - 0.5, 40 + 2 * 95 + 69.5]);
  assert.equal(l2.pixels, 7000);
});

test('counting from below: cores apart where the bodies touch; the lowest is L5, T12 the sixth; a speck and a blob beside the spine are not vertebrae; a body cut by the lower edge is flagged', () => {
  // Seven bodies 100 px wide, 95 px apart and touching (no disc gap, as projected endplates overlap), each with its core (the middle half of its rows).
  const mask = new Uint8Array(COLUMNS * ROWS);
  for (let k = 0; k < 7; k++) {
    const y0 = -55 + k * 95;
    for (let y = Math.max(0, y0); y < y0 + 95; y++) for (let x = 100; x < 200; x++) mask[y * COLUMNS + x] = y >= y0 + 24 && y < y0 + 71 ? 2 : 1;
  }
  for (let y = 300; y < 302; y++) for (let x = 250; x < 252; x++) mask[y * COLUMNS + x] = 2;
  for (let y = 400; y < 447; y++) for (let x = 0; x < 40; x++) mask[y * COLUMNS + x] = 2;
  const counted = bodiesCountedFromBelow(mask, COLUMNS, ROWS);
  // Seven cores (the top one cut by the image edge): the lowest six are T12-L5. Each box runs between
  // the midpoints to its neighbours' cores (centre to centre, 95 px, rounded outwards), L5's to the
  // last body pixel; the speck 50 px beside L2 is more than a quarter width away and left out.
  assert.deepEqual(
    counted.bodies.map((b) => `${b.level}:${b.y0}-${b.y1}:${b.x0}-${b.x1}`),
    [
      'T12:46.5-135.5:99.5-199.5',
      'L1:133.5-230.5:99.5-199.5',
      'L2:228.5-325.5:99.5-199.5',
      'L3:323.5-420.5:99.5-199.5',
      'L4:418.5-515.5:99.5-199.5',
      'L5:513.5-609.5:99.5-199.5',
    ],
  );
  assert.equal(counted.lowestAtEdge, false);
  const cut = mask.slice(0, COLUMNS * 600);
  assert.equal(bodiesCountedFromBelow(cut, COLUMNS, 600).lowestAtEdge, true);
});

test("seed 004's ROIs: 2 mm beside the body, upper and lower edges in the middle of the discs; a missing neighbour's edge half the median gap away", () => {
  const margin = 2 / PIXEL_MM;
  const rois = seed004RoiBoxes(bodyBoxesFromLabels(spineLabels(), COLUMNS, ROWS), ['L1', 'L2', 'L3', 'L4'], margin);
  assert.equal(rois.length, 4);
  const l1 = rois[0]!;
  // L1 spans rows 135-204 (edges 134.5, 204.5); T12 ends at 109.5, L2 starts at 229.5: mid-disc 122 and 217.
  assert.deepEqual([l1.x0, l1.x1, l1.y0, l1.y1], [99.5 - 5, 199.5 + 5, 122, 217]);
  // Consecutive ROIs share their mid-disc edge.
  for (let k = 1; k < 4; k++) assert.equal(rois[k]!.y0, rois[k - 1]!.y1);
  // Without T12 the upper edge of L1 is half the median gap (25 px) above the body.
  const withoutT12 = seed004RoiBoxes(bodyBoxesFromLabels(spineLabels([1]), COLUMNS, ROWS), ['L1'], margin);
  assert.equal(withoutT12[0]!.y0, 134.5 - 12.5);
});

test('box IoU: identical 1, disjoint 0, half-shifted 1/3', () => {
  const a = { x0: 0, x1: 10, y0: 0, y1: 10 };
  assert.equal(boxIou(a, a), 1);
  assert.equal(boxIou(a, { x0: 20, x1: 30, y0: 0, y1: 10 }), 0);
  assert.ok(Math.abs(boxIou(a, { x0: 5, x1: 15, y0: 0, y1: 10 }) - 50 / 150) < 1e-12);
});

test('plausibility: a sound spine passes; a missing level, levels out of order, a body of the wrong size and uneven spacing are each named', () => {
  const bodies = bodyBoxesFromLabels(spineLabels(), COLUMNS, ROWS);
  assert.deepEqual(checkLevels(bodies, PIXEL_MM, 'ap').problems, []);
  const missing = checkLevels(
    bodies.filter((b) => b.level !== 'L3'),
    PIXEL_MM,
    'ap',
  );
  assert.deepEqual(missing.problems, ['levels-missing']);
  assert.match(missing.notes[0]!, /L3 not found on the AP view/);
  const swapped = bodies.map((b) => (b.level === 'L2' ? { ...b, level: 'L3' as const } : b.level === 'L3' ? { ...b, level: 'L2' as const } : b));
  assert.ok(checkLevels(swapped, PIXEL_MM, 'ap').problems.includes('levels-out-of-order'));
  // At 4 mm a pixel every body is 400 mm wide: not a vertebra.
  const huge = checkLevels(bodies, 4, 'ap');
  assert.deepEqual(huge.problems, ['level-geometry-implausible']);
  // L4 moved 60 px down: the L3-L4 step is 62 mm against 38 mm before it.
  const uneven = bodies.map((b) => (b.level === 'L4' ? { ...b, y0: b.y0 + 60, y1: b.y1 + 60 } : b));
  assert.ok(checkLevels(uneven, PIXEL_MM, 'ap').notes.some((n) => /uneven spacing/.test(n)));
});

test('histogram equalisation: ranks over the ROI mapped to [0, 1], ties share their mean rank, pixels outside the ROI untouched', () => {
  const values = Float32Array.from([5, 1, 3, 3, 9, 100]);
  const inside = Uint8Array.from([1, 1, 1, 1, 1, 0]);
  equaliseHistogram(values, inside);
  // Ranks 0..4 over five values: 1 -> 0, the two 3s -> ranks 1 and 2 -> 1.5 / 4, 5 -> 3 / 4, 9 -> 1.
  assert.deepEqual(Array.from(values), [0.75, 0, 0.375, 0.375, 1, 100]);
});

test('covariates: age, sex and BMI scaled, unknown ones the population middle, all zero without covariates', () => {
  const v = covariateVector({ ageYears: 75, sex: 'F', heightCm: 160, weightKg: 64 }, true);
  assert.ok(Math.abs(v[0]! - 1) < 1e-6 && v[1] === 1 && Math.abs(v[2]! - 0) < 1e-5, Array.from(v).join(' '));
  assert.deepEqual(Array.from(covariateVector({ ageYears: undefined, sex: 'M', heightCm: undefined, weightKg: 80 }, true)), [0, -1, 0]);
  assert.deepEqual(Array.from(covariateVector({ ageYears: 75, sex: 'F', heightCm: 160, weightKg: 64 }, false)), [0, 0, 0]);
  const p = bmdFromOutput([1, -1, 0, 0, Math.log(2)]);
  assert.ok(Math.abs(p.lumbarAbmdGPerCm2 - 1.05) < 1e-9 && Math.abs(p.femneckAbmdGPerCm2 - 0.58) < 1e-9);
  assert.ok(Math.abs(p.probabilities.osteoporosis - 0.5) < 1e-9 && Math.abs(p.probabilities.normal - 0.25) < 1e-9);
});

test('multitask loss: masked L1 of the known aBMDs plus half the cross-entropy of the rows with a class, by hand', async () => {
  const tf = await nnBackend('cpu');
  // Row 1 knows both aBMDs and its class (osteoporosis); row 2 only the lumbar aBMD.
  const truth = tf.tensor2d([
    Array.from(bmdTruthRow({ lumbarAbmd: 0.9 + 0.15, femneckAbmd: 0.7 - 0.12, category: 'osteoporosis' })),
    Array.from(bmdTruthRow({ lumbarAbmd: 0.9, femneckAbmd: undefined, category: undefined })),
  ]);
  const predicted = tf.tensor2d([
    [0.5, -0.5, 0, 0, 0],
    [0.25, 3, 1, 2, 3],
  ]);
  const loss = maskedL1AndSoftmaxLoss(tf, truth, predicted, { regressions: 2, classes: 3, classWeight: 0.5 }).dataSync()[0]!;
  // L1 over three known values: |1 - 0.5| + |-1 + 0.5| + |0 - 0.25| = 1.25, / 3; cross-entropy of row 1: log 3.
  const expected = 1.25 / 3 + 0.5 * Math.log(3);
  assert.ok(Math.abs(loss - expected) < 1e-5, `${loss} vs ${expected}`);
});

test('variant comparison: paired on the studies every variant predicted; identical scores differ by 0 with p = 1, a perfect and a useless score by 0.5', () => {
  const truth = new Map<string, 'normal' | 'osteopenia' | 'osteoporosis'>([
    ['a', 'osteoporosis'],
    ['b', 'osteoporosis'],
    ['c', 'osteopenia'],
    ['d', 'normal'],
    ['e', 'normal'],
  ]);
  const perfect = new Map([
    ['a', 0.9],
    ['b', 0.8],
    ['c', 0.3],
    ['d', 0.1],
    ['e', 0.2],
  ]);
  const flat = new Map([...perfect.keys()].map((k) => [k, 0.5]));
  const partial = new Map([...perfect].filter(([k]) => k !== 'e'));
  const same = compareVariants(
    [
      { label: 'A', pOsteoporosis: perfect },
      { label: 'B', pOsteoporosis: perfect },
    ],
    truth,
  )!;
  assert.equal(same.studies, 5);
  assert.equal(same.pairs[0]!.difference, 0);
  assert.equal(same.pairs[0]!.p, 1);
  const versus = compareVariants(
    [
      { label: 'A', pOsteoporosis: perfect },
      { label: 'flat', pOsteoporosis: flat },
      { label: 'partial', pOsteoporosis: partial },
    ],
    truth,
  )!;
  assert.equal(versus.studies, 4);
  assert.equal(versus.aucs[0]!.auc.auc, 1);
  assert.equal(versus.aucs[1]!.auc.auc, 0.5);
  assert.equal(versus.pairs.length, 3);
  assert.ok(Math.abs(versus.pairs[0]!.difference - 0.5) < 1e-12);
});
