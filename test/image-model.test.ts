import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import { createImage2D, imageIndexToPointMm, imagePointMmToIndex } from '../src/core/image2d.js';
import { createVolume3D, volumeIndexToPointMm, volumePointMmToIndex } from '../src/core/volume3d.js';
import { dicomFrameToImage2D } from '../src/io/dicom/dicom-to-image2d.js';
import { decodeDicomBytes } from '../src/io/dicom/read-dicom.js';
import { buildPart10, ob, text, us } from './helpers/dicom-bytes.js';

test('Image2D index <-> mm on an oblique plane (closed form)', () => {
  const c = Math.SQRT1_2;
  // +i runs along (c, c, 0), +j along (0, 0, -1): a plane rotated 45 degrees about z.
  const image = createImage2D({
    data: new Float32Array(12),
    size: [4, 3],
    spacingMm: [0.5, 2],
    originMm: [10, 20, 30],
    direction: [c, 0, 0, c, 0, 0, 0, -1, 0],
    unit: 'raw',
  });
  const p = imageIndexToPointMm(image, 2, 1);
  assert.ok(Math.abs(p[0] - (10 + c)) < 1e-12 && Math.abs(p[1] - (20 + c)) < 1e-12 && Math.abs(p[2] - 28) < 1e-12, String(p));
  const [i, j] = imagePointMmToIndex(image, p);
  assert.ok(Math.abs(i - 2) < 1e-12 && Math.abs(j - 1) < 1e-12);
});

test('Volume3D index <-> mm round trip with a permuted, flipped direction', () => {
  const volume = createVolume3D({
    data: new Int16Array(24),
    size: [2, 3, 4],
    spacingMm: [0.7, 0.8, 1.25],
    originMm: [-5, 6, 7],
    direction: [0, 0, 1, -1, 0, 0, 0, -1, 0],
    unit: 'HU',
  });
  assert.deepEqual(volumeIndexToPointMm(volume, 1, 2, 3), [-5 + 3.75, 6 - 0.7, 7 - 1.6]);
  const back = volumePointMmToIndex(volume, volumeIndexToPointMm(volume, 1, 2, 3));
  back.forEach((v, n) => assert.ok(Math.abs(v - [1, 2, 3][n]!) < 1e-12));
});

test('sizes, data length and spacing are checked at construction', () => {
  assert.throws(
    () => createImage2D({ data: new Uint8Array(5), size: [2, 3], spacingMm: [1, 1], unit: 'raw' }),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'INCONSISTENT',
  );
  assert.throws(
    () => createImage2D({ data: new Uint8Array(6), size: [2, 3], spacingMm: [0, 1], unit: 'raw' }),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'BAD_ARGUMENT',
  );
});

function radiograph(photometric: string, extra: ReturnType<typeof text>[]): Uint8Array {
  const stored = new Uint16Array([0, 1, 1000, 4095]);
  return buildPart10([
    text(0x0008, 0x0060, 'CS', 'CR'),
    us(0x0028, 0x0002, 1),
    text(0x0028, 0x0004, 'CS', photometric),
    us(0x0028, 0x0010, 2),
    us(0x0028, 0x0011, 2),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, 12),
    us(0x0028, 0x0102, 11),
    us(0x0028, 0x0103, 0),
    ob(0x7fe0, 0x0010, new Uint8Array(stored.buffer), 'OW'),
    ...extra,
  ]);
}

test('MONOCHROME1 is inverted within BitsStored (4095 - v), then rescaled', async () => {
  const image = await decodeDicomBytes(
    radiograph('MONOCHROME1', [text(0x0028, 0x0030, 'DS', '0.1\\0.1'), text(0x0028, 0x1053, 'DS', '2'), text(0x0028, 0x1052, 'DS', '5')]),
    'm1.dcm',
  );
  const i2d = dicomFrameToImage2D(image);
  assert.deepEqual(
    Array.from(i2d.data),
    [4095, 4094, 3095, 0].map((v) => 2 * v + 5),
  );
  const m2 = dicomFrameToImage2D(await decodeDicomBytes(radiograph('MONOCHROME2', [text(0x0028, 0x0030, 'DS', '0.1\\0.1')]), 'm2.dcm'));
  assert.deepEqual(Array.from(m2.data), [0, 1, 1000, 4095]);
});

test('spacing: PixelSpacing wins; ImagerPixelSpacing is divided by the magnification', async (t) => {
  const cases: [string, ReturnType<typeof text>[], [number, number], string][] = [
    ['PixelSpacing only', [text(0x0028, 0x0030, 'DS', '0.2\\0.3')], [0.2, 0.3], 'PixelSpacing'],
    [
      'calibrated PixelSpacing beside ImagerPixelSpacing',
      [text(0x0028, 0x0030, 'DS', '0.1\\0.1'), text(0x0018, 0x1164, 'DS', '0.15\\0.15')],
      [0.1, 0.1],
      'PixelSpacing',
    ],
    [
      'stated magnification',
      [text(0x0018, 0x1164, 'DS', '0.15\\0.15'), text(0x0018, 0x1114, 'DS', '1.2')],
      [0.125, 0.125],
      'ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor',
    ],
    [
      'SID/SOD, PixelSpacing a copy of the detector spacing',
      [
        text(0x0028, 0x0030, 'DS', '0.15\\0.15'),
        text(0x0018, 0x1164, 'DS', '0.15\\0.15'),
        text(0x0018, 0x1110, 'DS', '1200'),
        text(0x0018, 0x1111, 'DS', '1000'),
      ],
      [0.125, 0.125],
      'ImagerPixelSpacing/(SID/SOD)',
    ],
    ['detector plane only', [text(0x0018, 0x1164, 'DS', '0.15\\0.15')], [0.15, 0.15], 'ImagerPixelSpacing (detector plane, no magnification known)'],
  ];
  for (const [name, extra, expected, source] of cases) {
    await t.test(name, async () => {
      const image = await decodeDicomBytes(radiograph('MONOCHROME2', extra), `${name}.dcm`);
      assert.ok(image.pixelSpacing !== undefined);
      image.pixelSpacing.rowColumnMm.forEach((v, n) => assert.ok(Math.abs(v - expected[n]!) < 1e-12, `${v} vs ${expected[n]}`));
      assert.equal(image.pixelSpacing.source, source);
    });
  }
});
