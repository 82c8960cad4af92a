// The hip networks' two-channel input (hip-network-input.ts): the field itself, and 4 x its
// high-pass (the field less its 10 mm Gaussian), checked on closed-form fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HIP_FIELD } from '../src/pipelines/hip/radiograph/hip-field.js';
import { hipNetworkInput } from '../src/pipelines/hip/radiograph/hip-network-input.js';

const N = HIP_FIELD.rows * HIP_FIELD.columns;

test('one channel is the field itself; two interleave the field and its high-pass', () => {
  const field = Float32Array.from({ length: N }, (_, p) => (p % 7) / 7);
  assert.equal(hipNetworkInput(field, 1), field);
  const two = hipNetworkInput(field, 2);
  assert.equal(two.length, 2 * N);
  for (let p = 0; p < N; p += 97) assert.equal(two[2 * p], field[p]);
});

test('a uniform field or a linear ramp (the body thickness) has no high-pass away from the edges', () => {
  const ramp = new Float32Array(N);
  for (let r = 0; r < HIP_FIELD.rows; r++) for (let c = 0; c < HIP_FIELD.columns; c++) ramp[r * HIP_FIELD.columns + c] = 0.2 + 0.004 * c + 0.002 * r;
  const two = hipNetworkInput(ramp, 2);
  // 15 pixels (3 sigma of 5 pixels) in from every edge the Gaussian of a linear ramp is the ramp.
  let worst = 0;
  for (let r = 15; r < HIP_FIELD.rows - 15; r++)
    for (let c = 15; c < HIP_FIELD.columns - 15; c++) worst = Math.max(worst, Math.abs(two[2 * (r * HIP_FIELD.columns + c) + 1]!));
  assert.ok(worst < 1e-4, `largest high-pass on a ramp ${worst}`);
});

test('a bright bar 10 pixels wide (a 20 mm cortex-to-cortex bone) stands out in the second channel', () => {
  const field = new Float32Array(N).fill(0.3);
  for (let r = 0; r < HIP_FIELD.rows; r++) for (let c = 51; c < 61; c++) field[r * HIP_FIELD.columns + c] = 0.5;
  const two = hipNetworkInput(field, 2);
  const middle = 88 * HIP_FIELD.columns;
  const centre = two[2 * (middle + 55) + 1]!;
  const beside = two[2 * (middle + 40) + 1]!;
  // Closed form: the blur keeps 0.2 x (the Gaussian's weight over the bar's 10 pixels, pixel 55 at
  // offsets -4.5 to +5.5) of the bar: 0.68 for sigma 5 px, 0.64 for the 5.5 px of the large-sigma
  // three-box approximation (gaussian-blur.ts); the high-pass is 4 x the rest.
  assert.ok(centre > 4 * 0.2 * (1 - 0.69) && centre < 4 * 0.2 * (1 - 0.6), `high-pass at the bar's centre ${centre}`);
  assert.ok(beside < 0 && beside > -0.2, `high-pass 10 px beside the bar ${beside}`);
});
