// The grids the forearm networks see, against closed forms: the whole-image grid keeps the aspect
// and maps centre to centre, box sampling of a linear ramp gives the ramp at the box centre,
// percentiles normalise to 0..1, class shares sum to 1 and labels come back from them, and key
// points survive the round trip image -> grid -> image.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage2D } from '../src/core/image2d.js';
import { labelsFromProbabilities, segmentationTargets } from '../src/pipelines/forearm/forearm-segmentation.js';
import { cropGrid, gridToImage, imageToGrid, normaliseForNetwork, quantilesOfFinite, sampleOnGrid, wholeImageGrid } from '../src/imaging/network-grid.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { maskOverlap } from '../src/stats/segmentation-metrics.js';

const COLUMNS = 833;
const ROWS = 1167;

function ramp(a: number, b: number, c: number): ReturnType<typeof createImage2D> {
  const data = new Float32Array(COLUMNS * ROWS);
  for (let y = 0; y < ROWS; y++) for (let x = 0; x < COLUMNS; x++) data[y * COLUMNS + x] = a * x + b * y + c;
  return createImage2D({ data, size: [COLUMNS, ROWS], spacingMm: [0.24, 0.24], unit: 'raw' });
}

test('whole-image grid: square pixels, the aspect kept, centre on centre, round trip exact', () => {
  const image = ramp(1, 0, 0);
  const g = wholeImageGrid(image, 96, 128);
  assert.ok(Math.abs(g.pixelMm - Math.max((COLUMNS * 0.24) / 96, (ROWS * 0.24) / 128)) < 1e-12);
  assert.equal(g.stepX, g.stepY);
  const centre = gridToImage(g, [(96 - 1) / 2, (128 - 1) / 2]);
  assert.ok(Math.abs(centre[0] - (COLUMNS - 1) / 2) < 1e-9 && Math.abs(centre[1] - (ROWS - 1) / 2) < 1e-9, `centre ${centre}`);
  const p: [number, number] = [123.4, 876.5];
  const back = gridToImage(g, imageToGrid(g, p));
  assert.ok(Math.hypot(back[0] - p[0], back[1] - p[1]) < 1e-9);
  // Rows fill the grid (the taller side), columns are padded equally on both sides.
  assert.ok(Math.abs(g.y0 - (g.stepY - 1) / 2) < 1e-9, `y0 ${g.y0}`);
});

test('box sampling of a linear ramp equals the ramp at the box centre; outside the image is NaN, normalised to 0', () => {
  const image = ramp(0.5, 2, 10);
  const g = cropGrid(image, [400, 600], 16, 0.96);
  const values = sampleOnGrid(image, g);
  for (let gy = 0; gy < g.rows; gy++) {
    for (let gx = 0; gx < g.columns; gx++) {
      const [x, y] = gridToImage(g, [gx, gy]);
      // Integer boxes of 4 px: the centre of the box is the sample centre to within half a pixel.
      const expected = 0.5 * x + 2 * y + 10;
      assert.ok(
        Math.abs(values[gy * g.columns + gx]! - expected) <= 0.5 * 0.5 + 2 * 0.5 + 1e-6,
        `(${gx}, ${gy}): ${values[gy * g.columns + gx]} vs ${expected}`,
      );
    }
  }
  const outside = sampleOnGrid(image, cropGrid(image, [-50, -50], 8, 1));
  assert.ok(outside.every((v) => Number.isNaN(v)));
  const normalised = normaliseForNetwork(Float32Array.from([Number.NaN, ...Array.from({ length: 101 }, (_, i) => i)]));
  assert.equal(normalised.data[0], 0);
  assert.ok(Math.abs(normalised.low - 1) < 1e-9 && Math.abs(normalised.high - 99) < 1e-9, `levels ${normalised.low}, ${normalised.high}`);
  assert.ok(Math.abs(normalised.data[51]! - (50 - 1) / 98) < 1e-6);
});

test('segmentation shares sum to 1, and labels rebuilt from them overlap the original mask (Dice > 0.97)', () => {
  const image = ramp(0, 0, 0);
  const labels = new Uint8Array(COLUMNS * ROWS);
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLUMNS; x++) {
      if ((x - 400) ** 2 / 250 ** 2 + (y - 600) ** 2 / 450 ** 2 < 1) labels[y * COLUMNS + x] = 1;
      if (x > 650 && x < 720 && y > 300 && y < 500) labels[y * COLUMNS + x] = 2;
    }
  }
  const g = wholeImageGrid(image, 96, 128);
  const shares = segmentationTargets(labels, image.size, g);
  for (let k = 0; k < g.columns * g.rows; k++) assert.ok(Math.abs(shares[3 * k]! + shares[3 * k + 1]! + shares[3 * k + 2]! - 1) < 1e-6);
  const rebuilt = labelsFromProbabilities(shares, g, image.size);
  const dice = (label: number): number =>
    maskOverlap(
      rebuilt.map((v) => (v === label ? 1 : 0)),
      labels.map((v) => (v === label ? 1 : 0)),
    ).dice;
  console.log(`labels through the ${g.columns}x${g.rows} grid and back: forearm Dice ${dice(1).toFixed(4)}, wedge Dice ${dice(2).toFixed(4)}`);
  assert.ok(dice(1) > 0.99, `forearm Dice ${dice(1)}`);
  assert.ok(dice(2) > 0.97, `wedge Dice ${dice(2)}`);
});

test('quantilesOfFinite: the order statistic at round(q (n - 1)) of the finite values, NaN and infinities left out (against a plain sort)', () => {
  const random = new SeededRandom(11);
  const values = Float32Array.from({ length: 10_001 }, (_, i) =>
    i % 13 === 0 ? Number.NaN : i % 101 === 0 ? Infinity : i % 103 === 0 ? -Infinity : Math.round(random.nextNormal() * 50),
  );
  const finite = Array.from(values)
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b);
  const qs = [0, 0.01, 0.25, 0.5, 0.99, 1];
  assert.deepEqual(
    quantilesOfFinite(values, qs),
    qs.map((q) => finite[Math.round(q * (finite.length - 1))]),
  );
  assert.deepEqual(quantilesOfFinite(Float32Array.of(Number.NaN, Infinity), [0.5]), [0]);
  assert.deepEqual(quantilesOfFinite(Float32Array.of(3, -1, 2), [0, 0.5, 1]), [-1, 2, 3]);
});
