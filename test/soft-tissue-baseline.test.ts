// The soft tissue beneath the radius (closed form) and Eq. [2] per detector (exact coefficients back).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage2D } from '../src/core/image2d.js';
import type { Point, Quad } from '../src/pipelines/forearm/forearm-roi-geometry.js';
import { softTissueBaselineUnderRadius } from '../src/pipelines/forearm/soft-tissue-baseline.js';
import { percentileOf } from '../src/stats/percentile.js';
import {
  MAX_ROOM_RMSE_G_PER_CM2,
  applyAbmdEquationSet,
  detectorUnseen,
  fitAbmdEquationSet,
  roomErrorOverLimit,
  withOutOfFoldErrors,
} from '../src/pipelines/forearm/abmd-equation-set.js';
import { deviceName } from '../src/io/dicom/device-name.js';
import { parseAbmdEquationSet } from '../src/pipelines/forearm/forearm-model.js';

const COLUMNS = 400;
const ROWS = 200;
const PIXEL_MM = 0.2;
// The radius: columns 160-220 over rows 50-130; the ROI square around it (columns 150-230).
const inRadius = (x: number, y: number): boolean => x >= 160 && x <= 220 && y >= 50 && y <= 130;
const SQUARE: Quad = [
  [150, 50],
  [230, 50],
  [230, 130],
  [150, 130],
];

/** An image of equivalent thickness (grey = mm): a limb of any cross-section, the radius on it and the ulna beside it. */
function limbImage(softMm: (x: number) => number, ulna: { from: number; to: number } | null): { image: ReturnType<typeof createImage2D>; radius: number[] } {
  const data = new Float32Array(COLUMNS * ROWS);
  const radius: number[] = [];
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLUMNS; x++) {
      let t = softMm(x);
      if (inRadius(x, y)) t += 3;
      if (ulna !== null && x >= ulna.from && x <= ulna.to) t += 2.5;
      data[y * COLUMNS + x] = t;
      if (inRadius(x, y)) radius.push(y * COLUMNS + x);
    }
  }
  return { image: createImage2D({ data, size: [COLUMNS, ROWS], spacingMm: [PIXEL_MM, PIXEL_MM], unit: 'raw' }), radius };
}

const limbForeground = ([x, y]: Point): boolean => x >= 49.5 && x <= 350.5 && y >= 0 && y <= ROWS - 1;
const meanUnder = (radius: number[], softMm: (x: number) => number): number => radius.reduce((s, k) => s + softMm(k % COLUMNS), 0) / radius.length;

test('soft tissue beneath the radius: a limb whose tissue changes linearly across the bone gives it back exactly, the ulna beside the radius left out', () => {
  // A flattened, skewed limb: a plateau rising linearly from the radial to the ulnar side of the radius (no ellipse anywhere).
  const softMm = (x: number): number => (x < 50 || x > 350 ? 0 : x < 70 ? ((x - 50) / 20) * 4 : 4 + (x - 70) * 0.02);
  // The ulna starts 1.8 mm ulnar of the radius, inside the 2 mm read beside it: its samples lie above the tissue's.
  const { image, radius } = limbImage(softMm, { from: 229, to: 260 });
  const b = softTissueBaselineUnderRadius(image, (grey) => grey, SQUARE, limbForeground, radius);
  assert.equal(b.rows, 80);
  assert.ok(b.rowsFitted >= 78, `${b.rowsFitted} rows`);
  const expected = meanUnder(radius, softMm);
  // The sides are read 0.5-2.5 mm from the radius and their lower half kept: tissue linear across the limb comes back exactly.
  assert.ok(Math.abs(b.meanUnderRadiusMm - expected) < 0.01, `${b.meanUnderRadiusMm} vs ${expected}`);
  assert.ok(b.samplePoints.length > 0 && b.samplePoints.every(([x]) => x < 160 || (x > 220 && x < 229)));
});

test('soft tissue beneath the radius: on an elliptical limb the baseline is the chord between the two sides (DXA), within 4 % of the tissue', () => {
  const chord = (x: number): number => Math.sqrt(Math.max(0, 1 - ((x - 200) / 150.5) ** 2));
  const softMm = (x: number): number => (x >= 50 && x <= 350 ? 8 * chord(x) : 0);
  const { image, radius } = limbImage(softMm, null);
  const b = softTissueBaselineUnderRadius(image, (grey) => grey, SQUARE, limbForeground, radius);
  const expected = meanUnder(radius, softMm);
  // Linear interpolation under a concave profile reads low: here by 0.1-0.3 mm of about 7.9.
  assert.ok(b.meanUnderRadiusMm < expected && b.meanUnderRadiusMm > 0.96 * expected, `${b.meanUnderRadiusMm} vs ${expected}`);
  // A limb cut by the image edge has no baseline.
  const cut = softTissueBaselineUnderRadius(
    image,
    (grey) => grey,
    SQUARE,
    () => true,
    radius,
  );
  assert.equal(cut.rowsFitted, 0);
  assert.ok(Number.isNaN(cut.meanUnderRadiusMm));
  // The radius against the skin with no tissue radial of it: DXA's baseline ends at the skin, so
  // every row runs from no tissue at the skin's edge (column 160) to the tissue ulnar of the radius
  // (5 mm, read at columns 223-232, the lower half kept: equal values, so the nearer 223-227, mean
  // 225): beneath the radius (columns 160-220, mean 190) it averages 5 x 30 / 65 = 2.31 mm.
  const againstSkin = limbImage((x) => (x >= 160 && x <= 350 ? 5 : 0), null);
  const edge = softTissueBaselineUnderRadius(
    againstSkin.image,
    (grey) => grey,
    SQUARE,
    ([x, y]) => x >= 159.5 && x <= 350.5 && y >= 0 && y <= ROWS - 1,
    againstSkin.radius,
  );
  assert.equal(edge.rowsFitted, edge.rows);
  assert.ok(Math.abs(edge.meanUnderRadiusMm - (5 * 30) / 65) < 0.02, `${edge.meanUnderRadiusMm}`);
  // Skin on both sides of the radius (no tissue beside it at all): no row has a baseline.
  const bare = limbImage((x) => (x >= 160 && x <= 220 ? 5 : 0), null);
  const none = softTissueBaselineUnderRadius(
    bare.image,
    (grey) => grey,
    SQUARE,
    ([x, y]) => x >= 159.5 && x <= 220.5 && y >= 0 && y <= ROWS - 1,
    bare.radius,
  );
  assert.equal(none.rowsFitted, 0);
  assert.ok(Number.isNaN(none.meanUnderRadiusMm));
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
      seed000: { radiusThicknessMm: 0, softTissueThicknessMm: 0 },
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
  const probe = { detector: 'b', radiusThicknessMm: 7, softTissueUnderRadiusMm: 4, seed000: { radiusThicknessMm: 0, softTissueThicknessMm: 0 } };
  assert.ok(Math.abs(applyAbmdEquationSet(set, probe).abmdGPerCm2 - (0.15 * (7 - 0.6 * 4) - 0.4)) < 1e-10);
  const unseen = applyAbmdEquationSet(set, { ...probe, detector: 'c' });
  assert.equal(unseen.scope, 'pooled');
  assert.ok(detectorUnseen(set, 'c') && !detectorUnseen(set, 'a'));
  // Fewer than 12 cases of a detector: the pooled equation only.
  assert.equal(fitAbmdEquationSet(cases.slice(0, 22), 'under-radius').detectors.length, 0);
  assert.equal(fitAbmdEquationSet(cases.slice(0, 24), 'under-radius').detectors.length, 2);
  assert.equal(deviceName(' Acme ', undefined), 'Acme / unknown model');
});

test("a room's out-of-fold error goes with its equation, and a room over the limit is named (room-not-quantitative)", () => {
  const equation = { pGPerCm2PerMm: 0.08, q: 0.7, rGPerCm2: -0.1, n: 20 };
  const set = { softTissue: 'under-radius' as const, pooled: equation, detectors: ['calm', 'noisy', 'unscored'].map((detector) => ({ detector, equation })) };
  // Errors of +-0.02 in the calm room (RMS 0.02), 0.03 and -0.09 in the noisy one (RMS sqrt((0.0009 + 0.0081) / 2) = 0.0671).
  const scored = withOutOfFoldErrors(set, [
    { detector: 'calm', predictedGPerCm2: 0.52, referenceGPerCm2: 0.5 },
    { detector: 'calm', predictedGPerCm2: 0.38, referenceGPerCm2: 0.4 },
    { detector: 'noisy', predictedGPerCm2: 0.33, referenceGPerCm2: 0.3 },
    { detector: 'noisy', predictedGPerCm2: 0.41, referenceGPerCm2: 0.5 },
    { detector: 'elsewhere', predictedGPerCm2: 0.9, referenceGPerCm2: 0.1 },
  ]);
  const rmse = (name: string): number | undefined => scored.detectors.find((d) => d.detector === name)?.outOfFoldRmseGPerCm2;
  assert.ok(Math.abs(rmse('calm')! - 0.02) < 1e-12);
  assert.ok(Math.abs(rmse('noisy')! - Math.sqrt(0.0045)) < 1e-12);
  assert.equal(rmse('unscored'), undefined);
  assert.equal(MAX_ROOM_RMSE_G_PER_CM2, 0.045);
  assert.equal(roomErrorOverLimit(scored, 'calm'), undefined);
  assert.ok(Math.abs(roomErrorOverLimit(scored, 'noisy')! - Math.sqrt(0.0045)) < 1e-12);
  assert.equal(roomErrorOverLimit(scored, 'unscored'), undefined);
  assert.equal(roomErrorOverLimit(scored, 'not-in-training'), undefined);
  // The error is stored in model.json and read back.
  const parsed = parseAbmdEquationSet({ ...scored, inputs: 'wedge-curve' });
  assert.ok('set' in parsed && parsed.set.detectors.find((d) => d.detector === 'noisy')?.outOfFoldRmseGPerCm2 === rmse('noisy'));
});

test("model files: an Eq. [2] set parses, and so does the single equation older models stored (seed 000's rectangle); an openbmd set fitted on the earlier inputs is refused", () => {
  const single = { pGPerCm2PerMm: 0.05, q: 0.3, rGPerCm2: -0.1, n: 10 };
  const old = parseAbmdEquationSet(single);
  assert.ok('set' in old && old.set.softTissue === 'rectangle' && old.set.detectors.length === 0 && old.set.pooled.q === 0.3);
  const current = parseAbmdEquationSet({ softTissue: 'under-radius', inputs: 'wedge-curve', pooled: single, detectors: [{ detector: 'x', equation: single }] });
  assert.ok('set' in current && current.set.detectors[0]?.detector === 'x');
  const earlier = parseAbmdEquationSet({ softTissue: 'under-radius', pooled: single, detectors: [] });
  assert.ok('problem' in earlier && earlier.problem.includes('train forearm'), JSON.stringify(earlier));
  const bad = parseAbmdEquationSet({ softTissue: 'under-radius', inputs: 'wedge-curve', pooled: { ...single, q: 'x' }, detectors: [] });
  assert.ok('problem' in bad && bad.problem.includes('pooled.q'), JSON.stringify(bad));
});
