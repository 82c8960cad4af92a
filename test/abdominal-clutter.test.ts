// The locator's clutter augmentation: an ellipsoidal pocket's projected depth against its closed
// form (depth at the centre, sqrt(1 - r^2) inside, volume 2/3 pi a b depth), and the draw as a whole:
// nothing when its chance is zero, the same clutter for the same seed, gas that darkens, and only
// the requested grid touched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { ABDOMINAL_CLUTTER, addAbdominalClutter, subtractEllipsoid } from '../src/nn/training/abdominal-clutter.js';
import { LOCAL_CONTRAST_SIGMA_PX, localContrast } from '../src/pipelines/lumbar/locate-lumbar-levels.js';
import { LOCATOR_CHANNELS, LOCATOR_CLASSES, LOCATOR_GRID } from '../src/pipelines/lumbar/lumbar-networks.js';
import { locatorTrainingData } from '../src/pipelines/lumbar/lumbar-training-data.js';
import type { LumbarTrainingSample, LumbarViewSample } from '../src/pipelines/lumbar/lumbar-training-samples.js';

test('an ellipsoidal pocket subtracts its chord profile: the closed form at the centre, inside and in total', () => {
  const [columns, rows] = [201, 161];
  const grey = new Float32Array(columns * rows);
  subtractEllipsoid({ grey, columns, rows, centre: [100, 80], semiPx: [40, 25], angleRad: Math.PI / 6, depth: 0.3 });
  assert.ok(Math.abs(grey[80 * columns + 100]! + 0.3) < 1e-6, `centre ${grey[80 * columns + 100]}`);
  // Half way along the long axis (rotated by 30 degrees): depth sqrt(1 - 0.25).
  const [x, y] = [100 + 20 * Math.cos(Math.PI / 6), 80 + 20 * Math.sin(Math.PI / 6)];
  const u = ((Math.round(x) - 100) * Math.cos(Math.PI / 6) + (Math.round(y) - 80) * Math.sin(Math.PI / 6)) / 40;
  const v = (-(Math.round(x) - 100) * Math.sin(Math.PI / 6) + (Math.round(y) - 80) * Math.cos(Math.PI / 6)) / 25;
  assert.ok(Math.abs(grey[Math.round(y) * columns + Math.round(x)]! + 0.3 * Math.sqrt(1 - u * u - v * v)) < 1e-6);
  // Outside the ellipse: untouched.
  assert.equal(grey[80 * columns + 145], 0);
  assert.equal(grey[110 * columns + 100], 0);
  const removed = -grey.reduce((s, g) => s + g, 0);
  const closedForm = (2 / 3) * Math.PI * 40 * 25 * 0.3;
  assert.ok(Math.abs(removed / closedForm - 1) < 0.01, `sum ${removed} vs ${closedForm}`);
});

test('clutter: none at zero chance, the same for the same seed, darker on average, within the grid', () => {
  const [columns, rows] = [160, 192];
  const flat = (): Float32Array => new Float32Array(columns * rows).fill(0.5);
  const untouched = flat();
  assert.equal(addAbdominalClutter({ grey: untouched, columns, rows, random: new SeededRandom(3), ranges: { ...ABDOMINAL_CLUTTER, probability: 0 } }), false);
  assert.ok(untouched.every((g) => g === 0.5));
  const always = { ...ABDOMINAL_CLUTTER, probability: 1, lineProbability: 0 };
  let darker = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const a = flat();
    const b = flat();
    assert.equal(addAbdominalClutter({ grey: a, columns, rows, random: new SeededRandom(seed), ranges: always }), true);
    addAbdominalClutter({ grey: b, columns, rows, random: new SeededRandom(seed), ranges: always });
    assert.deepEqual(a, b);
    const changed = a.filter((g) => g !== 0.5).length;
    assert.ok(changed > 50 && changed < 0.9 * a.length, `seed ${seed}: ${changed} pixels changed`);
    assert.ok(
      a.every((g) => g <= 0.5 && g >= 0.5 - 8 * ABDOMINAL_CLUTTER.maxGasDepth),
      `seed ${seed}: gas only darkens, boundedly`,
    );
    if (a.reduce((s, g) => s + g, 0) < 0.5 * a.length) darker++;
  }
  assert.equal(darker, 20);
  // A line brightens a thin path and nothing else.
  const lined = flat();
  addAbdominalClutter({
    grey: lined,
    columns,
    rows,
    random: new SeededRandom(7),
    ranges: { ...always, maxGasClusters: 1, maxGasDepth: 0, lineProbability: 1 },
  });
  const brighter = lined.filter((g) => g > 0.5).length;
  assert.ok(brighter > 40 && brighter < 0.05 * lined.length, `${brighter} pixels on the line`);
});

test("the locator's training batches: the local-contrast channel is the grey channel's, computed again after the augmentation", () => {
  const { columns, rows } = LOCATOR_GRID;
  const random = new SeededRandom(11);
  // A radiograph-like grey channel: a bright column (a spine) on a smooth trunk, its contrast as locatorInput makes it.
  const grey = new Float32Array(columns * rows).map((_, k) => 0.4 + 0.2 * Math.sin((k % columns) / 25) + (Math.abs((k % columns) - 80) < 8 ? 0.3 : 0));
  const contrast = localContrast(grey, columns, rows, LOCAL_CONTRAST_SIGMA_PX);
  const input = new Float32Array(grey.length * LOCATOR_CHANNELS);
  grey.forEach((g, k) => {
    input[2 * k] = g;
    input[2 * k + 1] = contrast[k]!;
  });
  const shares = new Float32Array(grey.length * LOCATOR_CLASSES.length).map((_, k) => (k % LOCATOR_CLASSES.length === 0 ? 1 : 0));
  const sample = { locatorInput: input, shares, truth: { view: 'ap' } } as unknown as LumbarViewSample;
  const data = locatorTrainingData([{ views: { ap: sample } } as unknown as LumbarTrainingSample], 'ap');
  for (let draw = 0; draw < 6; draw++) {
    const batch = data.batch([0], random).inputs[0]!.data;
    const batchGrey = batch.filter((_, k) => k % LOCATOR_CHANNELS === 0);
    const expected = localContrast(batchGrey, columns, rows, LOCAL_CONTRAST_SIGMA_PX);
    let largest = 0;
    for (let k = 0; k < expected.length; k++) largest = Math.max(largest, Math.abs(batch[2 * k + 1]! - expected[k]!));
    assert.ok(largest < 1e-6, `draw ${draw}: contrast channel differs by ${largest}`);
  }
  // Unaugmented (validation) batches are the stored input as it is.
  assert.deepEqual(data.batch([0], undefined).inputs[0]!.data, input);
});
