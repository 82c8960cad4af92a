// The soft tissue beneath the radius (closed form) and Eq. [2] per detector (exact coefficients back).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage2D } from '../src/core/image2d.js';
import type { Point, Quad } from '../src/pipelines/forearm/forearm-roi-geometry.js';
import { softTissueBaselineUnderRadius } from '../src/pipelines/forearm/soft-tissue-baseline.js';
import { percentileOf } from '../src/stats/percentile.js';
import { applyAbmdEquationSet, detectorUnseen, fitAbmdEquationSet } from '../src/pipelines/forearm/abmd-equation-set.js';
import { deviceName } from '../src/io/dicom/device-name.js';
import { parseAbmdEquationSet } from '../src/pipelines/forearm/forearm-model.js';

const COLUMNS = 400;
const ROWS = 200;
// Limb from x = 50 to 350: the walk finds these edges, and the chord spans them plus half a pixel.
const chord = (x: number): number => Math.sqrt(Math.max(0, 1 - ((x - 200) / 150.5) ** 2));
const softMm = (x: number): number => (x >= 50 && x <= 350 ? 8 * chord(x) : 0);

function limbImage(withBones: boolean): { data: Float32Array; radius: number[] } {
  const data = new Float32Array(COLUMNS * ROWS);
  const radius: number[] = [];
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLUMNS; x++) {
      let t = softMm(x);
      const inRadius = x >= 160 && x <= 220 && y >= 50 && y <= 130;
      if (withBones && inRadius) t += 3;
      // The ulna: bone outside the square that a fit on every bone-free-looking pixel would take as soft tissue.
      if (withBones && x >= 260 && x <= 300) t += 2.5;
      data[y * COLUMNS + x] = t;
      if (inRadius) radius.push(y * COLUMNS + x);
    }
  }
  return { data, radius };
}

test('soft tissue beneath the radius: an elliptical limb with radius and ulna gives back the limb alone, exactly', () => {
  const { data, radius } = limbImage(true);
  const image = createImage2D({ data, size: [COLUMNS, ROWS], spacingMm: [0.2, 0.2], unit: 'raw' });
  const square: Quad = [
    [150, 50],
    [230, 50],
    [230, 130],
    [150, 130],
  ];
  const isForeground = ([x, y]: Point): boolean => x >= 49.5 && x <= 350.5 && y >= 0 && y <= ROWS - 1;
  const b = softTissueBaselineUnderRadius(image, (grey) => grey, square, isForeground, radius);
  const expected = radius.reduce((s, k) => s + softMm(k % COLUMNS), 0) / radius.length;
  assert.equal(b.rows, 80);
  assert.equal(b.rowsFitted, 80);
  assert.ok(
    Math.abs(b.meanUnderRadiusMm - expected) < 1e-6, // float32 pixels
    `${b.meanUnderRadiusMm} vs ${expected}`,
  );
  // No sample on the ulna (x 260-300) or within the square (x 150-230, with 0.5 mm = 2.5 px clearance).
  assert.ok(b.samplePoints.length > 0 && b.samplePoints.every(([x]) => (x < 147.5 || x > 232.5) && (x < 260 || x > 300)));
  // A limb cut by the image edge has no baseline.
  const cut = softTissueBaselineUnderRadius(
    image,
    (grey) => grey,
    square,
    () => true,
    radius,
  );
  assert.equal(cut.rowsFitted, 0);
  assert.ok(Number.isNaN(cut.meanUnderRadiusMm));
});

test('percentileOf interpolates between order statistics as numpy does', () => {
  assert.ok(Math.abs(percentileOf([4, 1, 3, 2], 0.1) - 1.3) < 1e-12);
  assert.equal(percentileOf([5], 0.9), 5);
});

test("Eq. [2] per detector: exact data give back each detector's P, Q, R; an unseen detector gets the pooled one", () => {
  const truth = { a: [0.08, 0.7, -0.1], b: [0.15, 0.6, -0.4] } as const;
  const cases = Array.from({ length: 80 }, (_, i) => {
    const detector = i % 2 === 0 ? 'a' : 'b';
    const [p, q, r] = truth[detector];
    const radiusThicknessMm = 6 + ((i * 7) % 11) * 0.4;
    const softTissueUnderRadiusMm = 3 + ((i * 5) % 13) * 0.3;
    return {
      detector,
      radiusThicknessMm,
      softTissueUnderRadiusMm,
      softTissueThicknessMm: 0,
      abmdGPerCm2: p * (radiusThicknessMm - q * softTissueUnderRadiusMm) + r,
    };
  });
  const set = fitAbmdEquationSet(cases, 'under-radius');
  assert.deepEqual(
    set.detectors.map((d) => d.detector),
    ['a', 'b'],
  );
  for (const d of set.detectors) {
    const [p, q, r] = truth[d.detector as 'a' | 'b'];
    assert.ok(
      Math.abs(d.equation.pGPerCm2PerMm - p) < 1e-10 && Math.abs(d.equation.q - q) < 1e-9 && Math.abs(d.equation.rGPerCm2 - r) < 1e-10,
      JSON.stringify(d),
    );
    assert.equal(d.equation.n, 40);
  }
  const probe = { detector: 'b', radiusThicknessMm: 7, softTissueUnderRadiusMm: 4, softTissueThicknessMm: 0 };
  assert.ok(Math.abs(applyAbmdEquationSet(set, probe).abmdGPerCm2 - (0.15 * (7 - 0.6 * 4) - 0.4)) < 1e-10);
  const unseen = applyAbmdEquationSet(set, { ...probe, detector: 'c' });
  assert.equal(unseen.scope, 'pooled');
  assert.ok(detectorUnseen(set, 'c') && !detectorUnseen(set, 'a'));
  // Fewer than 12 cases of a detector: the pooled equation only.
  assert.equal(fitAbmdEquationSet(cases.slice(0, 22), 'under-radius').detectors.length, 0);
  assert.equal(fitAbmdEquationSet(cases.slice(0, 24), 'under-radius').detectors.length, 2);
  assert.equal(deviceName(' Acme ', undefined), 'Acme / unknown model');
});

test("model files: an Eq. [2] set parses, and so does the single equation older models stored (seed 000's rectangle)", () => {
  const single = { pGPerCm2PerMm: 0.05, q: 0.3, rGPerCm2: -0.1, n: 10 };
  const old = parseAbmdEquationSet(single);
  assert.ok('set' in old && old.set.softTissue === 'rectangle' && old.set.detectors.length === 0 && old.set.pooled.q === 0.3);
  const current = parseAbmdEquationSet({ softTissue: 'under-radius', pooled: single, detectors: [{ detector: 'x', equation: single }] });
  assert.ok('set' in current && current.set.detectors[0]?.detector === 'x');
  const bad = parseAbmdEquationSet({ softTissue: 'under-radius', pooled: { ...single, q: 'x' }, detectors: [] });
  assert.ok('problem' in bad && bad.problem.includes('pooled.q'), JSON.stringify(bad));
});
