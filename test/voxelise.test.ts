// The voxeliser against closed forms: exact partial volume along z, sphere volume, centre labels,
// and priorities.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DigitalPhantom } from '../src/physics/phantom/digital-phantom.js';
import { OUTSIDE_REGION, voxelisePhantom } from '../src/physics/phantom/voxelise.js';

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1] as const;

test('a slab cut mid-slice gives exact partial volume along z', () => {
  // Box z in [0.3, 5.3] mm; slices of 1 mm with centres at 0.5, 1.5, ... (edges 0, 1, 2, ...).
  const phantom: DigitalPhantom = {
    regions: [{ name: 'slab', composition: [], maskBits: 0 }],
    solids: [{ shape: 'box', centerMm: [0, 0, 2.8], rotation: [...IDENTITY], semiAxesMm: [50, 50, 2.5], region: 0, priority: 1 }],
  };
  const v = voxelisePhantom(phantom, { columns: 4, rows: 4, slices: 8, spacingMm: [1, 1, 1], originMm: [-1.5, -1.5, 0.5] }, Float64Array.of(1000), 0, 2);
  const expected = [0.7, 1, 1, 1, 1, 0.3, 0, 0].map((f) => f * 1000);
  for (let k = 0; k < 8; k++) assert.ok(Math.abs(v.values[k * 16 + 5]! - expected[k]!) < 1e-3, `slice ${k}: ${v.values[k * 16 + 5]} vs ${expected[k]}`);
  // Centre labels: slices whose centre (0.5 .. 7.5) lies in [0.3, 5.3] are the slab.
  const labels = Array.from({ length: 8 }, (_, k) => v.regions[k * 16 + 5]);
  assert.deepEqual(labels, [0, 0, 0, 0, 0, OUTSIDE_REGION, OUTSIDE_REGION, OUTSIDE_REGION]);
});

test('a sphere voxelises to its volume (values within 0.5 %, centre labels within 3 %)', () => {
  const r = 10;
  const phantom: DigitalPhantom = {
    regions: [{ name: 'sphere', composition: [], maskBits: 0 }],
    solids: [{ shape: 'ellipsoid', centerMm: [0.37, -0.21, 0.55], rotation: [...IDENTITY], semiAxesMm: [r, r, r], region: 0, priority: 1 }],
  };
  const grid = { columns: 32, rows: 32, slices: 20, spacingMm: [0.8, 0.8, 1.25] as const, originMm: [-12.4, -12.4, -11.875] as [number, number, number] };
  const voxelMm3 = 0.8 * 0.8 * 1.25;
  const exact = (4 / 3) * Math.PI * r ** 3;
  const v = voxelisePhantom(phantom, grid, Float64Array.of(1), 0, 4);
  const volume = v.values.reduce((s, x) => s + x, 0) * voxelMm3;
  assert.ok(Math.abs(volume / exact - 1) < 0.005, `volume ${volume.toFixed(1)} vs ${exact.toFixed(1)} mm3`);
  const labelled = v.regions.reduce((s, x) => s + (x === 0 ? 1 : 0), 0) * voxelMm3;
  assert.ok(Math.abs(labelled / exact - 1) < 0.03, `labelled ${labelled.toFixed(1)} vs ${exact.toFixed(1)} mm3`);
});

test('the higher priority wins where solids overlap; outside takes the outside value', () => {
  const phantom: DigitalPhantom = {
    regions: [
      { name: 'outer', composition: [], maskBits: 0 },
      { name: 'inner', composition: [], maskBits: 0 },
    ],
    solids: [
      { shape: 'box', centerMm: [0, 0, 0], rotation: [...IDENTITY], semiAxesMm: [10, 10, 10], region: 0, priority: 1 },
      { shape: 'box', centerMm: [0, 0, 0], rotation: [...IDENTITY], semiAxesMm: [3, 3, 3], region: 1, priority: 2 },
    ],
  };
  const v = voxelisePhantom(phantom, { columns: 30, rows: 1, slices: 1, spacingMm: [1, 1, 1], originMm: [-14.5, 0, 0] }, Float64Array.of(40, 1000), -1000, 1);
  assert.equal(v.values[15], 1000);
  assert.equal(v.regions[15], 1);
  assert.equal(v.values[8], 40);
  assert.equal(v.regions[8], 0);
  assert.equal(v.values[0], -1000);
  assert.equal(v.regions[0], OUTSIDE_REGION);
});
