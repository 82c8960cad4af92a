// The localisation networks' appearance randomisation (issue 19): grey-level morphology against
// OpenCV's erode and dilate, the random grey curve's shape, and what a randomised window keeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { squareMorphology } from '../src/imaging/grey-morphology.js';
import { PROJECTION_APPEARANCE, randomMonotoneCurve, randomiseProjectionAppearance } from '../src/pipelines/ct-spine/projection-appearance.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';

const skip = announceSkip(pythonModulesMissing(['cv2', 'numpy'], 'python3-opencv'));

test('square grey-level erosion and dilation equal OpenCV erode and dilate everywhere, borders included, windows up to wider than the image', { skip }, () => {
  const columns = 53;
  const rows = 37;
  const random = new SeededRandom(11);
  const data = Array.from({ length: columns * rows }, () => random.nextFloat());
  for (const radius of [1, 3, 7, 12, 25, 40]) {
    const reference = runPythonJson<{ erode: number[]; dilate: number[] }>(
      `
import sys, json, numpy as np, cv2
d = json.load(sys.stdin)
image = np.array(d['data'], dtype=np.float32).reshape(d['rows'], d['columns'])
k = np.ones((2 * d['radius'] + 1,) * 2, np.uint8)
print(json.dumps({'erode': cv2.erode(image, k).ravel().tolist(), 'dilate': cv2.dilate(image, k).ravel().tolist()}))
`,
      { data, columns, rows, radius },
    );
    for (const operation of ['erode', 'dilate'] as const) {
      const ours = Float32Array.from(data);
      squareMorphology(ours, columns, rows, radius, operation);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - reference[operation][i]!));
      assert.ok(worst === 0, `${operation} r=${radius}: largest difference ${worst}`);
    }
  }
});

test('the random grey curve keeps 0 and 1, rises everywhere and bends', () => {
  const random = new SeededRandom(3);
  let largestBend = 0;
  for (let draw = 0; draw < 50; draw++) {
    const curve = randomMonotoneCurve(random);
    assert.equal(curve(0), 0);
    assert.ok(Math.abs(curve(1) - 1) < 1e-12);
    let previous = -1;
    for (let v = 0; v <= 1.0001; v += 0.01) {
      const y = curve(v);
      assert.ok(y >= previous - 1e-12, `not monotone at ${v.toFixed(2)}`);
      previous = y;
      largestBend = Math.max(largestBend, Math.abs(y - v));
    }
  }
  // Halfway to a draw of sorted uniforms: bends of 0.1-0.3 are common, never past 0.5.
  assert.ok(largestBend > 0.15 && largestBend <= 0.5, `largest bend ${largestBend}`);
});

test('a randomised window stays in 0-1; about the stated share of windows change at all', () => {
  const columns = 96;
  const rows = 64;
  const random = new SeededRandom(9);
  const original = new Float32Array(columns * rows);
  // A bright column (the spine) with bars (ribs) on a grey body.
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) original[r * columns + c] = Math.abs(c - 48) < 6 ? 0.8 : r % 12 < 3 && Math.abs(c - 48) < 40 ? 0.7 : 0.15;
  const windows = 400;
  let changed = 0;
  for (let w = 0; w < windows; w++) {
    const data = original.slice();
    randomiseProjectionAppearance(data, columns, rows, random);
    for (const v of data) assert.ok(v >= 0 && v <= 1);
    if (data.some((v, i) => Math.abs(v - original[i]!) > 1e-6)) changed++;
  }
  const p = PROJECTION_APPEARANCE;
  const unchanged = [p.morphologyShare, p.curveShare, p.spotsShare, p.occluderShare, p.fieldShare].reduce((a, s) => a * (1 - s), 1);
  // Binomial: the expected share of changed windows within 4 standard deviations.
  const expected = windows * (1 - unchanged);
  assert.ok(
    Math.abs(changed - expected) < 4 * Math.sqrt(windows * unchanged * (1 - unchanged)),
    `${changed} of ${windows} changed, ${expected.toFixed(0)} expected`,
  );
});
