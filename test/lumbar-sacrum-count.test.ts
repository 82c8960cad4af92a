// Counting the lumbar levels from the sacrum (src/pipelines/lumbar/sacrum-count.ts) on label images
// drawn here, where the answer is known by construction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SACRUM_LABEL, countFromSacrum } from '../src/pipelines/lumbar/sacrum-count.js';
import { bodiesCountedFromBelow } from '../src/pipelines/lumbar/vertebral-body-boxes.js';

const COLUMNS = 300;
const ROWS = 800;

/**
 * Locator labels of a spine: bodies 100 px wide, 70 px tall, 95 px apart (cores, label 2, their
 * middle half), the lowest body's top at row 40 + 5 x 95; the sacrum (label 3) from half a step
 * below the lowest body's centre (where the lumbosacral disc ends), 200 px wide, with alae 60 px
 * higher beside it. `missing` bodies counted from the bottom are not drawn (not found).
 */
function labels(o: { bodies: number; missing: number; sacrum: boolean }): Uint8Array {
  const out = new Uint8Array(COLUMNS * ROWS);
  const lowestTop = 40 + (o.bodies - 1) * 95;
  for (let k = 0; k < o.bodies - o.missing; k++) {
    const y0 = 40 + k * 95;
    for (let y = y0; y < y0 + 70; y++) for (let x = 100; x < 200; x++) out[y * COLUMNS + x] = y >= y0 + 17 && y < y0 + 53 ? 2 : 1;
  }
  if (o.sacrum) {
    const top = lowestTop + 35 + 48;
    for (let y = top; y < top + 150 && y < ROWS; y++) for (let x = 50; x < 250; x++) out[y * COLUMNS + x] = SACRUM_LABEL;
    // Alae beside the lowest body, rising above the sacrum's top.
    for (let y = top - 60; y < top; y++)
      for (const [a, b] of [
        [40, 95],
        [205, 260],
      ] as const)
        for (let x = a; x < b; x++) out[y * COLUMNS + x] = SACRUM_LABEL;
  }
  return out;
}

function count(o: { bodies: number; missing: number; sacrum: boolean }): ReturnType<typeof countFromSacrum> {
  const all = labels(o);
  const bodiesOnly = all.map((v) => (v === SACRUM_LABEL ? 0 : v));
  return countFromSacrum({ labels: all, columns: COLUMNS, rows: ROWS, counted: bodiesCountedFromBelow(bodiesOnly, COLUMNS, ROWS) });
}

test('count from the sacrum: a lowest body on the sacrum misses none; with the lowest body not found one is missing; no sacrum, no count', () => {
  const whole = count({ bodies: 6, missing: 0, sacrum: true });
  assert.ok(whole !== undefined);
  // The top under the body (row 40 + 5 x 95 + 83 = 598), not the alae's 60 px higher.
  assert.equal(whole.sacrumTopY, 598);
  assert.equal(whole.bodiesMissing, 0);
  const lost = count({ bodies: 6, missing: 1, sacrum: true });
  assert.equal(lost?.bodiesMissing, 1);
  assert.equal(count({ bodies: 6, missing: 2, sacrum: true })?.bodiesMissing, 2);
  assert.equal(count({ bodies: 6, missing: 0, sacrum: false }), undefined);
});

test('count from the sacrum: a body drawn on the sacrum (S1 taken for a body) is not counted, and L5 is the one above it', () => {
  // Six bodies and the sacrum where it belongs, then a seventh "body" inside the sacrum's top.
  const all = labels({ bodies: 6, missing: 0, sacrum: true });
  const sacrumTop = 40 + 5 * 95 + 83;
  for (let y = sacrumTop + 20; y < sacrumTop + 90; y++)
    for (let x = 100; x < 200; x++) all[y * COLUMNS + x] = y >= sacrumTop + 37 && y < sacrumTop + 73 ? 2 : 1;
  const bodiesOnly = all.map((v) => (v === SACRUM_LABEL ? 0 : v));
  const counted = bodiesCountedFromBelow(bodiesOnly, COLUMNS, ROWS);
  assert.equal(counted.column.length, 7);
  const sacrum = countFromSacrum({ labels: all, columns: COLUMNS, rows: ROWS, counted });
  assert.equal(sacrum?.lowestOnSacrum, true);
  assert.equal(sacrum?.bodiesMissing, 0);
  assert.equal(sacrum?.sacrumTopY, sacrumTop);
  // Where it should be, the sacrum under L5 holds no body.
  assert.equal(count({ bodies: 6, missing: 0, sacrum: true })?.lowestOnSacrum, false);
  assert.equal(count({ bodies: 6, missing: 1, sacrum: true })?.lowestOnSacrum, false);
});
