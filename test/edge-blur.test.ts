// The series' edge blur read off the anterior skin, against closed forms: an elliptical body blurred
// by a known Gaussian reads back that sigma, at fine and coarse pixels; and the cancellous erosion
// it sets (2 sigma in pixels, at least one voxel), with the erosion itself on a closed-form box.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createVolume3D } from '../src/core/volume3d.js';
import { gaussianBlur2D } from '../src/imaging/gaussian-blur.js';
import { estimateEdgeBlur } from '../src/pipelines/ct-spine/edge-blur.js';
import { cortexErosionSteps, erodeRegion } from '../src/pipelines/ct-spine/measure-ct-spine.js';

/** A body (fat, -100 HU) in air (-1000), an ellipse of 170 x 120 mm semi-axes, each slice blurred by sigma mm. */
function blurredBody(pixelMm: number, sigmaMm: number): ReturnType<typeof createVolume3D> {
  const n = Math.round(420 / pixelMm);
  const slices = 12;
  const data = new Float32Array(n * n * slices);
  for (let k = 0; k < slices; k++) {
    const slice = new Float32Array(n * n);
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        // Sub-sampled so the pixel's own partial volume is exact enough.
        let inside = 0;
        for (let a = 0; a < 4; a++)
          for (let b = 0; b < 4; b++) {
            const x = (i + (a + 0.5) / 4 - n / 2) * pixelMm;
            const y = (j + (b + 0.5) / 4 - n / 2) * pixelMm;
            if ((x / 170) ** 2 + (y / 120) ** 2 <= 1) inside++;
          }
        slice[i + n * j] = -1000 + (900 * inside) / 16;
      }
    gaussianBlur2D(slice, n, n, sigmaMm / pixelMm);
    data.set(slice, k * n * n);
  }
  return createVolume3D({ data, size: [n, n, slices], spacingMm: [pixelMm, pixelMm, 3], originMm: [0, 0, 0], unit: 'HU' });
}

test('a body blurred by a known Gaussian reads back its sigma (0.7 mm pixels: sigma 0.8 and 2 mm)', () => {
  for (const sigma of [0.8, 2]) {
    const blur = estimateEdgeBlur(blurredBody(0.7, sigma));
    assert.ok(blur !== null);
    // A pixel's own width adds variance pixel^2 / 12 to the blur.
    const expected = Math.sqrt(sigma ** 2 + 0.7 ** 2 / 12);
    assert.ok(Math.abs(blur.sigmaMm / expected - 1) < 0.1, `sigma ${sigma}: read ${blur.sigmaMm.toFixed(2)} mm, expected ${expected.toFixed(2)}`);
  }
});

test('at 3 mm pixels the pixel itself is the blur: about 3 / sqrt(12) mm plus the kernel', () => {
  const blur = estimateEdgeBlur(blurredBody(3, 0.5));
  assert.ok(blur !== null);
  const expected = Math.sqrt(0.5 ** 2 + 3 ** 2 / 12);
  assert.ok(Math.abs(blur.sigmaMm / expected - 1) < 0.2, `read ${blur.sigmaMm.toFixed(2)} mm, expected ${expected.toFixed(2)}`);
});

test('no body in the field: no estimate', () => {
  const empty = createVolume3D({ data: new Float32Array(64 * 64 * 8).fill(-1000), size: [64, 64, 8], spacingMm: [1, 1, 3], originMm: [0, 0, 0], unit: 'HU' });
  assert.equal(estimateEdgeBlur(empty), null);
});

test('the cancellous erosion: 2 sigma in pixels, at least one voxel; a box loses that many voxels a side in-plane and one along z', () => {
  assert.equal(cortexErosionSteps(null, 0.7), 1);
  assert.equal(cortexErosionSteps({ sigmaMm: 0.6, profiles: 50 }, 0.75), 1);
  assert.equal(cortexErosionSteps({ sigmaMm: 1.9, profiles: 50 }, 0.7), 5);
  assert.equal(cortexErosionSteps({ sigmaMm: 1.4, profiles: 50 }, 3), 1);
  const size: [number, number, number] = [20, 20, 10];
  const offsets: number[] = [];
  for (let k = 2; k < 8; k++) for (let j = 2; j < 18; j++) for (let i = 2; i < 18; i++) offsets.push(i + 20 * (j + 20 * k));
  const box = { offsets: Int32Array.from(offsets) };
  // 16 x 16 x 6: one voxel off every face, then two more in-plane: 10 x 10 x 4.
  assert.equal(erodeRegion({ size }, box, 3).offsets.length, 10 * 10 * 4);
  assert.equal(erodeRegion({ size }, box).offsets.length, 14 * 14 * 4);
});
