import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage2D } from '../src/core/image2d.js';
import { bodyOverDiscContrasts } from '../src/pipelines/lumbar/body-disc-contrast.js';
import { fusionVector } from '../src/pipelines/lumbar/bmd-network-io.js';
import { BODY_CONTRAST_UNITS, COVARIATES, fusionInputCount } from '../src/pipelines/lumbar/lumbar-networks.js';
import type { BodyBox, RoiBox } from '../src/pipelines/lumbar/vertebral-body-boxes.js';

/**
 * A column of four bodies (100 (k + 1) above the soft tissue for L(k+1)) on soft tissue that
 * brightens down the image (a thickness gradient), discs at the soft tissue's grey: each body's
 * core over its two mid-disc rows is its own excess, whatever the gradient, over the grey range.
 */
test('body over disc contrasts: each body core minus the mean of its mid-disc rows, over the grey range (closed form)', () => {
  const columns = 200;
  const rows = 400;
  const data = new Uint16Array(columns * rows);
  const soft = (y: number): number => 500 + y;
  for (let y = 0; y < rows; y++) for (let x = 0; x < columns; x++) data[y * columns + x] = soft(y);
  const levels = ['L1', 'L2', 'L3', 'L4'] as const;
  const bodies: BodyBox[] = [];
  const rois: RoiBox[] = [];
  levels.forEach((level, k) => {
    const y0 = 40 + 80 * k;
    const y1 = y0 + 60; // 20 rows of disc between bodies
    for (let y = y0; y < y1; y++) for (let x = 80; x < 120; x++) data[y * columns + x] = soft(y) + 100 * (k + 1);
    bodies.push({ level, pixels: 2400, x0: 79.5, x1: 119.5, y0: y0 - 0.5, y1: y1 - 0.5 });
    rois.push({ level, x0: 74.5, x1: 124.5, y0: y0 - 10.5, y1: y1 + 9.5 });
  });
  const image = createImage2D({ data, size: [columns, rows], spacingMm: [0.4, 0.4], unit: 'raw' });
  const range = 400;
  const contrasts = bodyOverDiscContrasts({ image, bodies, rois, levels: { low: 500, high: 500 + range } });
  // Core median of body k: soft at its middle row + 100 (k + 1); discs' medians: soft at the two
  // mid-disc rows, whose mean is soft at the body's middle row too (the gradient is linear).
  levels.forEach((level, k) => {
    const c = contrasts[level];
    assert.ok(c !== undefined && Math.abs(c - (100 * (k + 1)) / range) < 0.01, `${level}: ${c}`);
  });
  // A level without its body found is absent; a flat image gives none.
  assert.deepEqual(Object.keys(bodyOverDiscContrasts({ image, bodies: bodies.slice(1), rois, levels: { low: 500, high: 900 } })), ['L2', 'L3', 'L4']);
  assert.deepEqual(bodyOverDiscContrasts({ image, bodies, rois, levels: { low: 500, high: 500 } }), {});
});

test('fusion vector: the covariates, then the AP and lateral L1-L4 contrasts scaled (0 where unknown); a model without contrasts gets the covariates alone', () => {
  const person = { ageYears: 75, sex: 'F' as const, heightCm: 160, weightKg: 64 };
  const withContrast = fusionVector(person, true, { ap: { L1: 0.02, L3: 0.03 }, lat: { L4: 0.05 } });
  assert.equal(withContrast.length, fusionInputCount(true));
  assert.equal(withContrast.length, COVARIATES.length + 8);
  assert.ok(Math.abs(withContrast[0]! - 1) < 1e-6);
  assert.equal(withContrast[1], 1);
  assert.ok(Math.abs(withContrast[2]! - 0) < 1e-6);
  const { ap, lat } = BODY_CONTRAST_UNITS;
  // L1 and L3 of the AP, L4 of the lateral known (the lateral's clipped at +5 units); unknown 0.
  const expected = [(0.02 - ap.offset) / ap.scale, 0, (0.03 - ap.offset) / ap.scale, 0, 0, 0, 0, Math.min(5, (0.05 - lat.offset) / lat.scale)];
  [...withContrast.slice(COVARIATES.length)].forEach((v, k) => assert.ok(Math.abs(v - expected[k]!) < 1e-5, `input ${k}: ${v} vs ${expected[k]}`));
  assert.equal(withContrast[COVARIATES.length + 7], 5);
  assert.equal(fusionVector(person, true, undefined).length, COVARIATES.length);
  // Without covariates the contrasts stay: they are image inputs, not the person's.
  const imageOnly = fusionVector(person, false, { lat: { L4: 0.008 } });
  assert.deepEqual([...imageOnly.slice(0, 3)], [0, 0, 0]);
  assert.ok(Math.abs(imageOnly[COVARIATES.length + 7]! - (0.008 - lat.offset) / lat.scale) < 1e-5);
});
