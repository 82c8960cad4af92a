import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayWindow } from '../src/report/radiograph-display.js';
import type { Image2D } from '../src/core/image2d.js';
import { createImage2D } from '../src/core/image2d.js';
import type { PixelArray } from '../src/core/pixel-array.js';

function image(data: PixelArray, columns: number): Image2D {
  return createImage2D({ data, size: [columns, data.length / columns], spacingMm: [0.15, 0.15], unit: 'raw' });
}

/** The reference: every sampled value sorted, the 0.5th and 99.5th percentile ranks read off. */
function sortedWindow(data: PixelArray): { low: number; high: number } {
  const step = Math.max(1, Math.floor(data.length / 200_000));
  const values: number[] = [];
  for (let k = 0; k < data.length; k += step) values.push(Number(data[k]));
  values.sort((a, b) => a - b);
  return { low: values[Math.floor(0.005 * (values.length - 1))]!, high: values[Math.floor(0.995 * (values.length - 1))]! };
}

test('display window: counting 16-bit and 8-bit pixels gives the same percentiles as sorting them (unsigned, signed, and floats)', () => {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const n = 700_000; // sampled every 3rd pixel
  const cases: PixelArray[] = [
    Uint16Array.from({ length: n }, () => Math.floor(4096 * random() ** 2)),
    Int16Array.from({ length: n }, () => Math.floor(3000 * random()) - 1024),
    Uint8Array.from({ length: n }, () => Math.floor(256 * random())),
    Float32Array.from({ length: n }, () => 1000 * random() - 200),
  ];
  for (const data of cases) {
    const window = displayWindow(image(data, 1000));
    const reference = sortedWindow(data);
    assert.deepEqual(window, reference, data.constructor.name);
    assert.ok(window.high > window.low, data.constructor.name);
  }
});
