// The local floor that the step-wedge search subtracts: against OpenCV's erosion and box filter, and
// in closed form (a plateau goes to 0, a bar narrower than the window keeps its height).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localFloor, subtractLocalFloor } from '../src/imaging/local-floor.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';

const skip = announceSkip(pythonModulesMissing(['cv2', 'numpy'], 'python3-opencv'));

test('local floor equals OpenCV erode (square kernel) then blur, away from the borders', { skip }, () => {
  const columns = 61;
  const rows = 47;
  const radius = 4;
  const random = new SeededRandom(5);
  const data = Array.from({ length: columns * rows }, (_, i) => 100 + 40 * Math.sin(i / 37) + 10 * random.nextNormal());
  const ours = localFloor(data, columns, rows, radius);
  const reference = runPythonJson<number[]>(
    `
import sys, json, numpy as np, cv2
d = json.load(sys.stdin)
image = np.array(d['data'], dtype=np.float64).reshape(d['rows'], d['columns'])
k = 2 * d['radius'] + 1
eroded = cv2.erode(image, np.ones((k, k), np.uint8))
print(json.dumps(cv2.blur(eroded, (k, k)).ravel().tolist()))
`,
    { data, columns, rows, radius },
  );
  // OpenCV's erosion ignores pixels outside the image, as ours does; its blur reflects the border,
  // ours averages what is inside: equal wherever the window lies inside the image.
  let worst = 0;
  let compared = 0;
  for (let y = radius; y < rows - radius; y++)
    for (let x = radius; x < columns - radius; x++) {
      worst = Math.max(worst, Math.abs(ours[y * columns + x]! - reference[y * columns + x]!));
      compared++;
    }
  assert.ok(compared > 1500);
  assert.ok(worst < 1e-9, `largest difference ${worst}`);
});

test('subtracting the local floor: a tilted plateau goes to 0 and a bar narrower than the window keeps its height', () => {
  const columns = 120;
  const rows = 80;
  const data = new Float64Array(columns * rows);
  for (let y = 0; y < rows; y++) for (let x = 0; x < columns; x++) data[y * columns + x] = 500 + 0.5 * x + (x >= 50 && x < 60 && y >= 20 && y < 60 ? 80 : 0);
  subtractLocalFloor(data, columns, rows, 15);
  // The plateau's slope leaves at most half a grey level per pixel of the window's reach.
  const plateau = data[40 * columns + 100]!;
  const bar = data[40 * columns + 55]!;
  assert.ok(Math.abs(plateau) <= 8, `plateau ${plateau}`);
  assert.ok(Math.abs(bar - 80) <= 8, `bar ${bar}`);
});
