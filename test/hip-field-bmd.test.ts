// The hip pipeline's radiograph side where it has closed forms: the field a hip is read through (its
// placement, box sampling, mirroring and normalisation) and seed 001's BMD from a PF-DRR (the mean
// above a threshold, the threshold tuned, the lines fitted, the implausibility check).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import {
  HIP_FIELD,
  fieldToImagePx,
  hipFieldPlacement,
  mirrorFieldColumns,
  normaliseHipField,
  sampleHipField,
} from '../src/pipelines/hip/radiograph/hip-field.js';
import type { SymbolicTensor } from '../src/nn/tfjs-types.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { bmdRegressionParametersSchema, regressionNetworkValues } from '../src/pipelines/hip/model/bmd-regression.js';
import { REGRESSION_VIEW_SHIFT_PX, regressionViews, shiftField } from '../src/pipelines/hip/model/field-shifts.js';
import { fitHipBmdCalibration, hipBmdFromFeature, implausibleDecomposition, pfDrrFeature } from '../src/pipelines/hip/model/pf-drr-bmd.js';

const N = HIP_FIELD.rows * HIP_FIELD.columns;

test('a hip field sits on its half of the image, 2 mm per pixel, the right hip mirrored', () => {
  const image = { size: [860, 700] as const, spacingMm: [0.5, 0.5] as const };
  const left = hipFieldPlacement({ image, side: 'left' });
  const right = hipFieldPlacement({ image, side: 'right' });
  assert.deepEqual(left.stepPx, [4, 4]);
  assert.equal(left.centreColumnPx, 644.5);
  assert.equal(right.centreColumnPx, 214.5);
  assert.equal(left.centreRowPx, 349.5);
  // The field's middle is its centre; one field pixel along is four image pixels, away from the midline for the left hip and toward it... mirrored for the right.
  const mid = [(HIP_FIELD.rows - 1) / 2, (HIP_FIELD.columns - 1) / 2] as const;
  assert.deepEqual(fieldToImagePx(left, mid[0], mid[1]), [349.5, 644.5]);
  assert.deepEqual(fieldToImagePx(left, mid[0] + 1, mid[1] + 1), [353.5, 648.5]);
  assert.deepEqual(fieldToImagePx(right, mid[0], mid[1] + 1), [349.5, 210.5]);
});

test('field pixels are the means of the image pixels within them; mirroring twice is the identity', () => {
  // A ramp along the columns: the mean over a 4-pixel footprint is the value at its centre.
  const columns = 860;
  const rows = 700;
  const data = new Float32Array(columns * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) data[r * columns + c] = c + 1000 * r;
  const image = { size: [columns, rows] as const, spacingMm: [0.5, 0.5] as const, data };
  for (const side of ['left', 'right'] as const) {
    const p = hipFieldPlacement({ image, side });
    const field = sampleHipField(image, p);
    for (const [fr, fc] of [
      [10, 10],
      [90, 57],
      [170, 100],
    ] as const) {
      const [r, c] = fieldToImagePx(p, fr, fc);
      assert.ok(Math.abs(field[fr * HIP_FIELD.columns + fc]! - (c + 1000 * r)) < 1e-3, `${side} ${fr},${fc}`);
    }
    // The right hip's field runs right to left: its columns fall along it.
    assert.ok(side === 'left' ? field[1]! > field[0]! : field[1]! < field[0]!);
  }
  const random = new SeededRandom(3);
  const values = Float32Array.from({ length: N }, () => random.nextFloat());
  assert.deepEqual(mirrorFieldColumns(mirrorFieldColumns(values)), values);
  assert.equal(mirrorFieldColumns(values)[0], values[HIP_FIELD.columns - 1]);
  // Normalisation: the 1st percentile to 0, the 99th to 1 whatever the scale and offset.
  const scaled = normaliseHipField(values.map((v) => 3000 + 500 * v));
  const plain = normaliseHipField(values);
  for (let k = 0; k < N; k += 997) assert.ok(Math.abs(scaled[k]! - plain[k]!) < 1e-3);
  const sorted = Float32Array.from(plain).sort();
  assert.ok(Math.abs(sorted[Math.floor(0.01 * (N - 1))]!) < 1e-6);
  assert.ok(Math.abs(sorted[Math.ceil(0.99 * (N - 1))]! - 1) < 1e-6);
});

/** A PF-DRR: a disc of `density` g/cm2 (radius in field pixels) on a faint haze of 0.02. */
function disc(density: number, radius: number): Float32Array {
  const out = new Float32Array(N).fill(0.02);
  for (let r = 0; r < HIP_FIELD.rows; r++)
    for (let c = 0; c < HIP_FIELD.columns; c++) if (Math.hypot(r - 80, c - 56) <= radius) out[r * HIP_FIELD.columns + c] = density;
  return out;
}

test("seed 001's BMD from a PF-DRR: the mean above the threshold, tuned and fitted by least squares", () => {
  const f = pfDrrFeature(disc(0.8, 20), 0.1);
  assert.ok(Math.abs(f.meanGPerCm2 - 0.8) < 1e-6);
  let inside = 0;
  for (let r = 0; r < HIP_FIELD.rows; r++) for (let c = 0; c < HIP_FIELD.columns; c++) if (Math.hypot(r - 80, c - 56) <= 20) inside++;
  assert.equal(f.areaMm2, inside * 4);
  // Truth linear in the disc's density; every threshold above the haze gives the same r (1), the lowest is kept.
  const random = new SeededRandom(9);
  const samples = Array.from({ length: 12 }, () => {
    const density = 0.5 + 0.6 * random.nextFloat();
    return {
      pfDrr: disc(density, 15 + 10 * random.nextFloat()),
      truth: { femneck_abmd: 0.1 + 0.7 * density, tothip_abmd: 0.2 + 0.8 * density, hip_vbmd: 100 + 300 * density },
    };
  });
  const c = fitHipBmdCalibration({ samples, fittedOn: 'test' });
  assert.equal(c.thresholdGPerCm2, 0.05);
  assert.ok(Math.abs(c.fits.femneck_abmd!.slope - 0.7) < 1e-6 && Math.abs(c.fits.femneck_abmd!.intercept - 0.1) < 1e-6);
  assert.ok(Math.abs(c.fits.hip_vbmd!.slope - 300) < 1e-3 && Math.abs(c.fits.hip_vbmd!.r - 1) < 1e-9);
  const e = hipBmdFromFeature(c, pfDrrFeature(disc(1, 18), c.thresholdGPerCm2));
  assert.ok(Math.abs(e.tothip_abmd! - 1.0) < 1e-6);
  // Inside the range seen it is plausible; a blank decomposition, or one covering most of the field, is not.
  assert.equal(implausibleDecomposition(c, pfDrrFeature(disc(0.8, 20), c.thresholdGPerCm2)), undefined);
  assert.match(implausibleDecomposition(c, pfDrrFeature(disc(0.8, 3), c.thresholdGPerCm2)) ?? '', /covers \d+ mm2/);
  assert.match(implausibleDecomposition(c, pfDrrFeature(disc(0.8, 80), c.thresholdGPerCm2)) ?? '', /covers \d+ mm2/);
  assert.match(implausibleDecomposition(c, pfDrrFeature(disc(2.5, 20), c.thresholdGPerCm2)) ?? '', /mean is/);
});

test('a threshold is chosen where the haze would hide the signal', () => {
  // The haze varies and is unrelated to BMD; the disc carries it: a threshold above the haze wins.
  const random = new SeededRandom(10);
  const samples = Array.from({ length: 16 }, () => {
    const density = 0.5 + 0.6 * random.nextFloat();
    const pf = disc(density, 20);
    const haze = 0.2 * random.nextFloat();
    for (let k = 0; k < N; k++) if (pf[k]! < 0.1) pf[k] = haze;
    return { pfDrr: pf, truth: { femneck_abmd: 0.1 + 0.7 * density } };
  });
  const c = fitHipBmdCalibration({ samples, fittedOn: 'test' });
  assert.ok(c.thresholdGPerCm2 >= 0.2, `threshold ${c.thresholdGPerCm2}`);
  assert.ok(c.fits.femneck_abmd!.r > 0.999);
  assert.equal(c.fits.tothip_abmd, undefined);
});

test("stage three's views: the field and its 4-pixel shifts on a 3 x 3 grid, uncovered pixels zero", () => {
  const field = new Float32Array(N);
  const at = (r: number, c: number): number => r * HIP_FIELD.columns + c;
  field[at(50, 60)] = 7;
  const moved = shiftField(field, { rowsDown: 4, columnsRight: -4 });
  assert.equal(moved[at(54, 56)], 7);
  assert.equal(
    moved.reduce((a, v) => a + v, 0),
    7,
  );
  // A pixel pushed off the edge is gone; what enters is zero.
  const edge = new Float32Array(N).fill(1);
  const shifted = shiftField(edge, { rowsDown: -4, columnsRight: 4 });
  assert.equal(
    shifted.reduce((a, v) => a + v, 0),
    (HIP_FIELD.rows - 4) * (HIP_FIELD.columns - 4),
  );
  assert.equal(shifted[at(HIP_FIELD.rows - 1, 10)], 0);
  assert.equal(shifted[at(10, 3)], 0);
  const views = regressionViews(field);
  assert.equal(REGRESSION_VIEW_SHIFT_PX, 4);
  assert.equal(views.length, 9);
  assert.equal(views[4], field);
  assert.deepEqual(
    views.map((v) => v.findIndex((x) => x === 7)),
    [46, 50, 54].flatMap((r) => [56, 60, 64].map((c) => at(r, c))),
  );
});

test("stage three's value is the mean of its networks' outputs over the views, in the measure's units", async () => {
  const tf = await nnBackend('wasm');
  // A network whose output is its input's mean: on a field of ones each view keeps its covered share.
  const input = tf.input({ shape: [HIP_FIELD.rows, HIP_FIELD.columns, 1] });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(input) as SymbolicTensor;
  const network = tf.model({ inputs: input, outputs: pooled });
  const parameters = bmdRegressionParametersSchema.parse({ measures: ['femneck_abmd'], mean: [0.5], sd: [2], trainedOn: 'a closed form' });
  const [values] = regressionNetworkValues(tf, [network], parameters, [new Float32Array(N).fill(1)]);
  const s = REGRESSION_VIEW_SHIFT_PX;
  const covered =
    ((HIP_FIELD.rows + 2 * (HIP_FIELD.rows - s)) / (3 * HIP_FIELD.rows)) * ((HIP_FIELD.columns + 2 * (HIP_FIELD.columns - s)) / (3 * HIP_FIELD.columns));
  assert.ok(Math.abs(values!.femneck_abmd! - (0.5 + 2 * covered)) < 1e-5, `${values!.femneck_abmd} vs ${0.5 + 2 * covered}`);
  // An ensemble: a second network giving 3 x its input's mean + 0.1; stage three's value is the two networks' mean.
  const scaled = tf.layers.dense({ units: 1, weights: [tf.tensor2d([[3]]), tf.tensor1d([0.1])] }).apply(pooled) as SymbolicTensor;
  const second = tf.model({ inputs: input, outputs: scaled });
  const [both] = regressionNetworkValues(tf, [network, second], { ...parameters, members: 2 }, [new Float32Array(N).fill(1)]);
  const expected = 0.5 + 2 * ((covered + (3 * covered + 0.1)) / 2);
  assert.ok(Math.abs(both!.femneck_abmd! - expected) < 1e-5, `${both!.femneck_abmd} vs ${expected}`);
});
