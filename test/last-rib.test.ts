// The lumbar AP view's second count, from the last rib (src/pipelines/lumbar/last-rib.ts): the ridge
// strength against OpenCV's Gaussian and numpy's eigenvalues, and the count on a drawn spine whose
// answer is known by construction (ribs descending from T10-T12, transverse processes on L1-L5),
// with the count from below one level off either way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage2D } from '../src/core/image2d.js';
import { ridgeStrength } from '../src/imaging/ridge-strength.js';
import { countWithLastRib, findLastRib } from '../src/pipelines/lumbar/last-rib.js';
import type { ColumnBox } from '../src/pipelines/lumbar/vertebral-body-boxes.js';
import { nameFromBelow } from '../src/pipelines/lumbar/vertebral-body-boxes.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';

const noOpenCv = announceSkip(pythonModulesMissing(['cv2', 'numpy'], 'python3-opencv'));

test(
  'ridge strength: minus the Hessian smaller eigenvalue of the Gaussian-smoothed image, times sigma^2, as OpenCV and numpy compute it',
  { skip: noOpenCv },
  () => {
    const [columns, rows, sigma] = [41, 33, 2.5];
    let state = 7;
    const random = (): number => (state = (state * 16807) % 2147483647) / 2147483647;
    const values = Float32Array.from({ length: columns * rows }, (_, k) => {
      const [x, y] = [k % columns, Math.floor(k / columns)];
      // A bright oblique band over noise, so that there are ridges, edges and flat parts.
      return 2 * Math.exp(-((0.6 * x - y + 3) ** 2) / 18) + 0.3 * random();
    });
    const ours = ridgeStrength(values, columns, rows, sigma);
    const reference = runPythonJson<number[]>(
      `
import sys, json, math, numpy as np, cv2
d = json.load(sys.stdin)
a = np.array(d['values'], dtype=np.float32).reshape(d['rows'], d['columns'])
s = d['sigma']; r = max(1, math.ceil(3 * s))
g = cv2.GaussianBlur(a, (2 * r + 1, 2 * r + 1), s, sigmaY=s, borderType=cv2.BORDER_REPLICATE).astype(np.float64)
out = np.zeros_like(g)
for y in range(1, g.shape[0] - 1):
    for x in range(1, g.shape[1] - 1):
        dxx = g[y, x + 1] - 2 * g[y, x] + g[y, x - 1]
        dyy = g[y + 1, x] - 2 * g[y, x] + g[y - 1, x]
        dxy = (g[y + 1, x + 1] - g[y + 1, x - 1] - g[y - 1, x + 1] + g[y - 1, x - 1]) / 4
        smaller = np.linalg.eigvalsh(np.array([[dxx, dxy], [dxy, dyy]]))[0]
        out[y, x] = -smaller * s * s if smaller < 0 else 0
print(json.dumps(out.ravel().tolist()))
`,
      { values: [...values], columns, rows, sigma },
    );
    let largest = 0;
    let peak = 0;
    for (let k = 0; k < ours.length; k++) {
      largest = Math.max(largest, Math.abs(ours[k]! - reference[k]!));
      peak = Math.max(peak, reference[k]!);
    }
    assert.ok(peak > 0.05, `the band makes a ridge (${peak})`);
    assert.ok(largest < 1e-4 * peak, `largest difference ${largest} of ${peak}`);
  },
);

/** A drawn AP spine (0.4 mm pixels, bone bright): T10-L5 bodies 36 mm apart, ribs on `ribbed`, level transverse processes on the rest. */
function drawnSpine(ribbed: readonly string[]): { image: ReturnType<typeof createImage2D>; column: ColumnBox[] } {
  const pixelMm = 0.4;
  const [columns, rows] = [750, 1000];
  const data = new Float32Array(columns * rows);
  const levels = ['T10', 'T11', 'T12', 'L1', 'L2', 'L3', 'L4', 'L5'];
  const centreXMm = 150;
  const [halfWidthMm, halfHeightMm, pitchMm] = [22, 14, 36];
  const centreYMm = (k: number): number => 70 + k * pitchMm;
  let state = 11;
  const random = (): number => (state = (state * 16807) % 2147483647) / 2147483647;
  const column: ColumnBox[] = [];
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++) {
      const [xMm, yMm] = [x * pixelMm, y * pixelMm];
      let v = 100 + 0.05 * yMm + 3 * random();
      levels.forEach((level, k) => {
        const cy = centreYMm(k);
        if (Math.abs(xMm - centreXMm) <= halfWidthMm && Math.abs(yMm - cy) <= halfHeightMm) v += 40;
        const lateral = Math.abs(xMm - centreXMm) - halfWidthMm;
        if (lateral <= 0) return;
        if (ribbed.includes(level)) {
          // A rib: 7 mm wide, from the body's lower half, 75 mm outward, descending 30 degrees.
          const along = lateral;
          const ribY = cy + 5 + along * Math.tan(Math.PI / 6);
          if (along <= 75 && Math.abs(yMm - ribY) <= 3.5) v += 30;
          // Transverse processes run sideways and stop; L3's is drawn 45 mm long (joined to another
          // shadow): long, but level, so no rib either.
        } else if (lateral <= (level === 'L3' ? 45 : 22) && Math.abs(yMm - (cy - 2)) <= 3) v += 30;
      });
      data[y * columns + x] = v;
    }
  levels.forEach((_, k) => {
    const cy = centreYMm(k);
    column.push({
      x0: (centreXMm - halfWidthMm) / pixelMm,
      x1: (centreXMm + halfWidthMm) / pixelMm,
      y0: (cy - halfHeightMm) / pixelMm,
      y1: (cy + halfHeightMm) / pixelMm,
      pixels: 1,
    });
  });
  return { image: createImage2D({ data, size: [columns, rows], spacingMm: [pixelMm, pixelMm], unit: 'raw' }), column };
}

test('the last rib: found at T12 when the count from below is right, and the names moved a level when it is one off either way', () => {
  const { image, column } = drawnSpine(['T10', 'T11', 'T12']);
  // The count from below right: L5 is the lowest body.
  const right = { bodies: nameFromBelow(column, 5), lowestAtEdge: false, column };
  const t12 = right.bodies.find((b) => b.level === 'T12')!;
  const l1 = right.bodies.find((b) => b.level === 'L1')!;
  const rib = findLastRib({ image, column, t12, l1 });
  assert.ok(rib !== undefined);
  // Its root 4 mm beside the body: 5 mm + 4 tan 30 mm below T12's centre, a level being 36 mm.
  const expected = (5 + 4 * Math.tan(Math.PI / 6)) / 36;
  assert.ok(Math.abs(rib.levelsBelowT12 - expected) < 0.06, `root at ${rib.levelsBelowT12} levels, expected ${expected}`);
  const agreed = countWithLastRib({ image, counted: right });
  assert.equal(agreed.shift, 0);
  assert.deepEqual(
    agreed.bodies.map((b) => b.level),
    ['T12', 'L1', 'L2', 'L3', 'L4', 'L5'],
  );

  // L5 not found (or sacralised): the count from below calls L4 "L5" and T12 "L1".
  const lost = column.slice(0, -1);
  const high = countWithLastRib({ image, counted: { bodies: nameFromBelow(lost, 5), lowestAtEdge: false, column: lost } });
  assert.equal(high.shift, 1);
  const l1After = high.bodies.find((b) => b.level === 'L1')!;
  assert.equal(l1After.y0, column[3]!.y0, 'the true L1 is named L1 again');
  assert.equal(
    high.bodies.find((b) => b.level === 'L5'),
    undefined,
  );

  // A body below L5 counted (or a sixth lumbar vertebra): the count from below calls L1 "T12".
  const extra = [...column, { ...column[7]!, y0: column[7]!.y0 + 90, y1: column[7]!.y1 + 90 }];
  const low = countWithLastRib({ image, counted: { bodies: nameFromBelow(extra, 5), lowestAtEdge: false, column: extra } });
  assert.equal(low.shift, -1);
  assert.equal(low.bodies.find((b) => b.level === 'T12')!.y0, column[2]!.y0, 'the true T12 is named T12 again');
});

test('the last rib: transverse processes alone are not ribs, and without ribs the count from below stands', () => {
  const { image, column } = drawnSpine([]);
  const counted = { bodies: nameFromBelow(column, 5), lowestAtEdge: false, column };
  const t12 = counted.bodies.find((b) => b.level === 'T12')!;
  const l1 = counted.bodies.find((b) => b.level === 'L1')!;
  assert.equal(findLastRib({ image, column, t12, l1 }), undefined);
  const result = countWithLastRib({ image, counted });
  assert.equal(result.shift, 0);
  assert.equal(result.lastRib, undefined);
});
