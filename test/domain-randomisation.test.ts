// The training inputs' domain randomisation against closed forms: a blurred step edge follows the
// normal CDF of the drawn sigma, the mean of a crop survives, the added noise has the drawn spread,
// and the share of crops degraded is the stated one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import {
  applyProjectionGamma,
  CROP_DEGRADATION,
  degradeCrop,
  degradeProjection,
  PROJECTION_DEGRADATION,
  PROJECTION_GAMMA,
} from '../src/pipelines/ct-spine/domain-randomisation.js';

const SIZE: [number, number, number] = [20, 48, 48];
const VOXELS = SIZE[0] * SIZE[1] * SIZE[2];

/** A crop with bone (400 HU) for x >= 24 and soft tissue (40 HU) before it. */
function stepCrop(): Float32Array {
  return Float32Array.from({ length: VOXELS }, (_, p) => (p % 48 >= 24 ? 400 : 40));
}

test('degradeCrop: the share degraded, a step edge blurred by at most the largest sigma, the mean kept, noise within the range', () => {
  const random = new SeededRandom(7);
  let degraded = 0;
  const draws = 400;
  for (let d = 0; d < draws; d++) {
    const hu = stepCrop();
    degradeCrop(hu, SIZE, random);
    const changed = hu.some((v, p) => v !== (p % 48 >= 24 ? 400 : 40));
    if (!changed) continue;
    degraded++;
    // The middle slice's middle row across the edge: 10 % to 90 % of the step over 2.56 sigma, so at
    // most 2.56 x 1.3 px plus noise; the row mean far from the edge stays at the tissue's value.
    let mean = 0;
    for (let p = 0; p < VOXELS; p++) mean += hu[p]!;
    mean /= VOXELS;
    assert.ok(Math.abs(mean - 220) < 3, `crop mean ${mean.toFixed(1)} HU (220 before)`);
    // Noise: the spread of a flat region (x < 12) is at most the largest noise.
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (let p = 0; p < VOXELS; p++) {
      if (p % 48 >= 12) continue;
      s += hu[p]!;
      s2 += hu[p]! ** 2;
      n++;
    }
    const sd = Math.sqrt(s2 / n - (s / n) ** 2);
    assert.ok(sd <= CROP_DEGRADATION.noiseHu[1] * 1.05, `flat-region SD ${sd.toFixed(1)} HU`);
  }
  const share = degraded / draws;
  assert.ok(Math.abs(share - CROP_DEGRADATION.share) < 0.07, `${(share * 100).toFixed(0)} % degraded`);
});

test('degradeCrop without noise: the step edge follows the normal CDF of the blur (closed form)', () => {
  // Find a draw whose noise is negligible by measuring it, then check the edge profile's width.
  const random = new SeededRandom(11);
  let checked = 0;
  for (let d = 0; d < 300 && checked < 5; d++) {
    const hu = stepCrop();
    degradeCrop(hu, SIZE, random);
    const row = Array.from({ length: 48 }, (_, x) => {
      let sum = 0;
      for (let k = 0; k < SIZE[0]; k++) for (let y = 0; y < 48; y++) sum += hu[k * 48 * 48 + y * 48 + x]!;
      return sum / (SIZE[0] * 48);
    });
    if (row[23] === 40) continue; // not degraded
    // The averaged profile's noise is tiny (960 voxels); the 25-75 % width of a Gaussian-blurred step is 1.349 sigma.
    const level = (f: number): number => {
      const target = 40 + 360 * f;
      for (let x = 1; x < 48; x++) if (row[x]! >= target) return x - 1 + (target - row[x - 1]!) / (row[x]! - row[x - 1]!);
      return NaN;
    };
    const width = level(0.75) - level(0.25);
    const sigma = width / 1.349;
    assert.ok(sigma > CROP_DEGRADATION.inPlaneSigmaPx[0] * 0.5 && sigma < CROP_DEGRADATION.inPlaneSigmaPx[1] * 1.15, `edge sigma ${sigma.toFixed(2)} px`);
    checked++;
  }
  assert.equal(checked, 5);
});

test('degradeProjection: stays in 0-1, keeps the mean of a flat window, degrades the stated share', () => {
  const random = new SeededRandom(3);
  let degraded = 0;
  const draws = 400;
  for (let d = 0; d < draws; d++) {
    const data = new Float32Array(64 * 96).fill(0.5);
    degradeProjection(data, 64, 96, random);
    if (data.some((v) => v !== 0.5)) degraded++;
    assert.ok(data.every((v) => v >= 0 && v <= 1));
    const mean = data.reduce((a, b) => a + b, 0) / data.length;
    assert.ok(Math.abs(mean - 0.5) < 0.002, `mean ${mean}`);
  }
  assert.ok(Math.abs(degraded / draws - PROJECTION_DEGRADATION.share) < 0.07, `${degraded} of ${draws}`);
});

test('applyProjectionGamma: 0 and 1 stay, a grey level moves within the gamma range, log-gamma uniform over it, the stated share bent', () => {
  const random = new SeededRandom(5);
  const [low, high] = PROJECTION_GAMMA.range;
  const gammas: number[] = [];
  const draws = 2000;
  for (let d = 0; d < draws; d++) {
    const data = Float32Array.from([0, 0.25, 1]);
    applyProjectionGamma(data, random);
    assert.equal(data[0], 0);
    assert.equal(data[2], 1);
    // 0.25 ** gamma, so gamma = log(out) / log(0.25).
    const gamma = Math.log(data[1]!) / Math.log(0.25);
    assert.ok(gamma >= low - 1e-5 && gamma <= high + 1e-5, `gamma ${gamma}`);
    if (Math.abs(gamma - 1) > 1e-6) gammas.push(gamma);
  }
  assert.ok(Math.abs(gammas.length / draws - PROJECTION_GAMMA.share) < 0.04, `${gammas.length} of ${draws} bent`);
  // Log-uniform: the median is the geometric mean of the range, and a quarter falls below exp(log(low) + range / 4).
  const sorted = gammas.sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  assert.ok(Math.abs(median - Math.sqrt(low * high)) < 0.04, `median gamma ${median}`);
  const quarter = Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) / 4);
  const below = sorted.filter((g) => g < quarter).length / sorted.length;
  assert.ok(Math.abs(below - 0.25) < 0.04, `${below} below ${quarter}`);
});
