import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage2D } from '../src/core/image2d.js';
import { bodyOverDiscContrast } from '../src/pipelines/lumbar/body-disc-contrast.js';
import { fusionVector } from '../src/pipelines/lumbar/bmd-network-io.js';
import { BODY_CONTRAST_SCALE, COVARIATES, fusionInputCount } from '../src/pipelines/lumbar/lumbar-networks.js';
import type { BodyBox, RoiBox } from '../src/pipelines/lumbar/vertebral-body-boxes.js';

/**
 * A column of four bodies (grey 1000 + 100 k for L(k+1)) on soft tissue that brightens down the
 * image (a thickness gradient), discs at the soft tissue's grey: each body's core over its two
 * mid-disc rows is its own excess, whatever the gradient, divided by the 1st-99th percentile range.
 */
test('body over disc contrast: each body core minus the mean of its mid-disc rows, over the grey range (closed form)', () => {
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
  const contrast = bodyOverDiscContrast({ image, bodies, rois, levels: { low: 500, high: 500 + range } });
  // Core median of body k: soft at its middle row + 100 (k + 1); discs' medians: soft at the two
  // mid-disc rows, whose mean is soft at the body's middle row too (the gradient is linear).
  assert.ok(contrast !== undefined);
  assert.ok(Math.abs(contrast - 250 / range) < 0.01, `${contrast}`);
  // Levels without a body found are skipped; no level at all gives undefined.
  assert.equal(bodyOverDiscContrast({ image, bodies: [], rois, levels: { low: 500, high: 900 } }), undefined);
  assert.equal(bodyOverDiscContrast({ image, bodies, rois, levels: { low: 500, high: 500 } }), undefined);
});

test('fusion vector: the covariates, then each view contrast scaled (0 where unknown); a model without contrasts gets the covariates alone', () => {
  const person = { ageYears: 75, sex: 'F' as const, heightCm: 160, weightKg: 64 };
  const withContrast = fusionVector(person, true, { ap: 0.02 });
  assert.equal(withContrast.length, fusionInputCount(true));
  assert.ok(Math.abs(withContrast[0]! - 1) < 1e-6);
  assert.equal(withContrast[1], 1);
  assert.ok(Math.abs(withContrast[2]! - 0) < 1e-6);
  assert.ok(Math.abs(withContrast[COVARIATES.length]! - 0.02 * BODY_CONTRAST_SCALE) < 1e-6);
  assert.equal(withContrast[COVARIATES.length + 1], 0);
  assert.equal(fusionVector(person, true, undefined).length, COVARIATES.length);
  // Without covariates the contrasts stay: they are image inputs, not the person's.
  assert.deepEqual([...fusionVector(person, false, { ap: 0.02, lat: 0.01 })].slice(0, 3), [0, 0, 0]);
  assert.ok(Math.abs(fusionVector(person, false, { ap: 0.02, lat: 0.01 })[4]! - 0.01 * BODY_CONTRAST_SCALE) < 1e-6);
});
