// The cancellous mottle the CT simulator adds (physics/trabecular-texture.ts), in closed form: a flat
// region gains a zero-mean texture of the asked sd (mineral times HU per mg/cm3), correlated in-plane
// as Gaussian-blurred white noise is (neighbour correlation exp(-d^2 / 4 sigma^2)), thinner in thick
// slices by sqrt(grain / thickness); regions without a share are untouched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { addTrabecularTexture } from '../src/physics/trabecular-texture.js';

function run(sliceMm: number): { inside: number[]; outsideChanged: number; neighbourCorrelation: number } {
  const [columns, rows, slices] = [120, 120, 8];
  const values = new Float32Array(columns * rows * slices);
  const regions = new Uint8Array(columns * rows * slices);
  for (let k = 0; k < slices; k++)
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < columns; i++) {
        const p = i + columns * (j + rows * k);
        const inside = i >= 10 && i < 110 && j >= 10 && j < 110;
        regions[p] = inside ? 1 : 2;
        values[p] = inside ? 200 : 40;
      }
  addTrabecularTexture({
    values,
    regions,
    huPerMgPerCm3: 1.5,
    grid: { columns, rows, slices, spacingMm: [0.8, 0.8, sliceMm], originMm: [0, 0, 0] },
    // 40 mg/cm3 of mineral sd at 1.5 HU per mg/cm3: 60 HU.
    texture: { mineralSdMgPerCm3ByRegion: Float64Array.from([0, 40, 0]), grainMm: 0.8 },
    random: new SeededRandom(3),
  });
  const inside: number[] = [];
  let outsideChanged = 0;
  let [sxy, sxx] = [0, 0];
  for (let k = 0; k < slices; k++)
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < columns; i++) {
        const p = i + columns * (j + rows * k);
        if (regions[p] === 1) {
          inside.push(values[p]!);
          // Pairs well inside, one pixel (one sigma) apart.
          if (i >= 15 && i < 105 && j >= 15 && j < 105) {
            sxy += (values[p]! - 200) * (values[p + 1]! - 200);
            sxx += (values[p]! - 200) ** 2;
          }
        } else if (values[p] !== 40) outsideChanged++;
      }
  return { inside, outsideChanged, neighbourCorrelation: sxy / sxx };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]): number => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));

test('trabecular texture: zero mean, the asked sd (40 mg/cm3 at 1.5 HU per mg/cm3), Gaussian in-plane correlation, thinner in thick slices, other regions untouched', () => {
  const thin = run(0.8);
  console.log(
    `thin slices: mean ${mean(thin.inside).toFixed(2)}, sd ${sd(thin.inside).toFixed(1)}, neighbour correlation ${thin.neighbourCorrelation.toFixed(3)}`,
  );
  assert.ok(Math.abs(mean(thin.inside) - 200) < 1.5, `mean ${mean(thin.inside)}`);
  assert.ok(Math.abs(sd(thin.inside) - 60) < 4, `sd ${sd(thin.inside)}`);
  assert.ok(Math.abs(thin.neighbourCorrelation - Math.exp(-1 / 4)) < 0.04, `correlation ${thin.neighbourCorrelation}`);
  assert.equal(thin.outsideChanged, 0);
  const thick = run(3.2);
  // sqrt(0.8 / 3.2) = 0.5 of the amplitude.
  assert.ok(Math.abs(sd(thick.inside) - 30) < 2.5, `sd ${sd(thick.inside)}`);
});
