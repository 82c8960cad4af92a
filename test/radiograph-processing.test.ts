// Radiography rooms' processing in closed form, grid-line removal on a synthetic radiograph, and the
// open-field test of the background squares.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { createImage2D } from '../src/core/image2d.js';
import type { ProcessingChain } from '../src/physics/processing-chain.js';
import { processWithChain } from '../src/physics/processing-chain.js';
import { findGridLines, suppressGridLines } from '../src/imaging/grid-line-suppression.js';
import { openFieldBackground } from '../src/pipelines/forearm/forearm-roi-measurement.js';
import type { Quad } from '../src/pipelines/forearm/forearm-roi-geometry.js';
import { PROCESSING_FAMILIES, drawProcessingChain, processingRoom } from '../src/simulate/radiograph-room.js';
import { VENDOR_PROFILES } from '../src/physics/vendor-profile.js';

const fixedChain = (response: ProcessingChain['response'], lut: ProcessingChain['lut'] = { kind: 'gamma', gamma: 1 }): ProcessingChain => ({
  family: 'test',
  response,
  ranging: { kind: 'fixed', openTransmission: 1, darkTransmission: 0.01 },
  lut,
  bands: [],
  rangeCompression: null,
  gainJitter: 0,
});

function processOne(chain: ProcessingChain, signal: number[]): number[] {
  const { pixels } = processWithChain(
    Float32Array.from(signal),
    { columns: signal.length, rows: 1, pixelSpacingMm: 0.2, chain, bitsStored: 16, photometric: 'MONOCHROME2' },
    new SeededRandom(1),
  );
  return Array.from(pixels);
}

test('processing chains map exposure to grey in closed form: log, power law and an S-shaped LUT', () => {
  const max = 65535;
  // Without jitter: stored = 0.05 max + 0.85 max u, u the ranged response through the LUT.
  const stored = (u: number): number => Math.round(0.05 * max + 0.85 * max * u);
  const log = processOne(fixedChain({ kind: 'log' }), [1, 0.1, 0.01]);
  assert.deepEqual(log, [stored(0), stored(0.5), stored(1)]);
  // Power law s^0.5 between 1 and 0.01: r = -sqrt(s), u = (1 - sqrt(s)) / 0.9.
  const power = processOne(fixedChain({ kind: 'power', exponent: 0.5 }), [0.25, 0.64]);
  assert.deepEqual(power, [stored(0.5 / 0.9), stored(0.2 / 0.9)]);
  // The S-curve keeps 0, 0.5 and 1 and steepens the middle.
  const s = processOne(fixedChain({ kind: 'log' }, { kind: 'sigmoid', contrast: 3 }), [1, 0.1, 0.01, Math.sqrt(0.1)]);
  assert.deepEqual(s.slice(0, 3), [stored(0), stored(0.5), stored(1)]);
  const quarter = 0.5 + Math.atan(3 * -0.25) / (2 * Math.atan(1.5));
  assert.equal(s[3], stored(quarter));
  assert.ok(quarter < 0.25);
});

test('detail bands and range compression leave a uniform image as it is; every family draws a valid chain', () => {
  const chain: ProcessingChain = {
    ...fixedChain({ kind: 'log' }),
    bands: [
      { sigmaMm: 0.5, gain: 0.8 },
      { sigmaMm: 1, gain: 0.5 },
    ],
    rangeCompression: { sigmaMm: 10, amount: 0.6 },
  };
  const flat = processOne(chain, new Array<number>(64).fill(0.1));
  assert.ok(flat.every((v) => v === flat[0]));
  for (const family of PROCESSING_FAMILIES) {
    const drawn = drawProcessingChain(family, new SeededRandom(3));
    assert.equal(drawn.family, family);
    assert.ok(drawn.gainJitter >= 0.03 && drawn.gainJitter <= 0.15);
  }
  // A room is the same room whenever it is drawn (its parameters follow from vendor, family and number).
  const a = processingRoom({ vendor: VENDOR_PROFILES[0]!, family: 'film-like', index: 1 });
  const b = processingRoom({ vendor: VENDOR_PROFILES[0]!, family: 'film-like', index: 1 });
  assert.deepEqual(a.roomChain, b.roomChain);
  assert.match(a.model, /film-like room 2/);
});

function stripedImage(amplitude: number, periodPixels: number): { data: Float32Array; clean: Float32Array } {
  const columns = 300;
  const rows = 200;
  const random = new SeededRandom(9);
  const clean = new Float32Array(columns * rows);
  const data = new Float32Array(columns * rows);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++) {
      // A limb-like blob and noise: anatomy whose spectrum falls smoothly.
      const blob = 400 * Math.exp(-(((x - 150) / 50) ** 2 + ((y - 100) / 80) ** 2));
      const v = 1000 + blob + 2 * random.nextNormal();
      clean[y * columns + x] = v;
      data[y * columns + x] = v + amplitude * Math.cos((2 * Math.PI * x) / periodPixels + 0.7);
    }
  return { data, clean };
}

test('grid lines: an aliased stripe is found within 1 % of its period and removed to a tenth; an image without one is left alone', () => {
  const { data, clean } = stripedImage(20, 2.4);
  const image = createImage2D({ data, size: [300, 200], spacingMm: [0.2, 0.2], unit: 'raw' });
  const found = findGridLines(data, 300, 200, 'columns');
  assert.ok(found !== undefined && Math.abs(found.periodPixels - 2.4) < 0.024, JSON.stringify(found));
  assert.equal(findGridLines(data, 300, 200, 'rows'), undefined);
  const { image: cleaned, removed } = suppressGridLines(image);
  assert.equal(removed.length, 1);
  let before = 0;
  let after = 0;
  for (let y = 20; y < 180; y++)
    for (let x = 20; x < 280; x++) {
      const k = y * 300 + x;
      before += (data[k]! - clean[k]!) ** 2;
      after += (Number(cleaned.data[k]) - clean[k]!) ** 2;
    }
  // What is left is the residue of the stripe plus the noise at its frequency (2 grey levels of noise against a stripe of 20).
  assert.ok(Math.sqrt(after / before) < 0.1, `rms left ${Math.sqrt(after / before)}`);
  const plain = stripedImage(0, 2.4);
  const untouched = createImage2D({ data: plain.data, size: [300, 200], spacingMm: [0.2, 0.2], unit: 'raw' });
  const none = suppressGridLines(untouched);
  assert.equal(none.removed.length, 0);
  assert.equal(none.image, untouched);
});

test('background squares: open field kept; one across a collimator edge, and one beyond the thickest step, left out', () => {
  const columns = 100;
  const rows = 40;
  const random = new SeededRandom(2);
  const data = new Float32Array(columns * rows);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++) data[y * columns + x] = (x < 70 ? 100 : 3000) + (x >= 30 && x < 40 ? 2000 : 0) + 2 * random.nextNormal();
  const image = createImage2D({ data, size: [columns, rows], spacingMm: [0.2, 0.2], unit: 'raw' });
  const square = (x0: number): Quad => [
    [x0, 10],
    [x0 + 9, 10],
    [x0 + 9, 19],
    [x0, 19],
  ];
  const calibration = {
    backgroundNoise: 2,
    knots: [
      { grey: 100, thicknessMm: 0 },
      { grey: 500, thicknessMm: 2 },
      { grey: 900, thicknessMm: 4 },
    ],
  };
  // x 5-14: open field; x 65-74: across the collimator's edge at 70; x 31-38: 2000 grey, beyond the 4 mm step.
  const kept = openFieldBackground(image, [square(5), square(65), square(30)], calibration as Parameters<typeof openFieldBackground>[2]);
  assert.equal(kept.squares, 1);
  assert.ok(Math.abs(kept.grey - 100) < 1, `${kept.grey}`);
  assert.ok(Number.isNaN(openFieldBackground(image, [square(65)], calibration as Parameters<typeof openFieldBackground>[2]).grey));
});
