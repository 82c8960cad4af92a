import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseStoredBits } from '../src/io/dicom/codecs/stored-samples.js';
import type { PixelDescription } from '../src/io/dicom/pixel-description.js';

function description(bitsAllocated: 8 | 16 | 32, bitsStored: number, highBit: number, signed: boolean): PixelDescription {
  return {
    rows: 1,
    columns: 1,
    frames: 1,
    samplesPerPixel: 1,
    bitsAllocated,
    bitsStored,
    highBit,
    signed,
    photometric: 'MONOCHROME2',
    planarConfiguration: 0,
  };
}

test('BitsStored within BitsAllocated: the bits outside are dropped, the sign taken from the high bit (PS3.5 8.1.1)', () => {
  const unsigned12 = new Uint16Array([0xf123, 0x0fff, 0x0000]);
  normaliseStoredBits(unsigned12, description(16, 12, 11, false));
  assert.deepEqual([...unsigned12], [0x123, 4095, 0]);

  const signed12 = new Int16Array([0x0fff, 0x0800, 0x07ff, -1, -0x1000 + 5]);
  normaliseStoredBits(signed12, description(16, 12, 11, true));
  assert.deepEqual([...signed12], [-1, -2048, 2047, -1, 5]);

  const highBit15 = new Uint16Array([0xabc0, 0x001f]);
  normaliseStoredBits(highBit15, description(16, 12, 15, false));
  assert.deepEqual([...highBit15], [0xabc, 0x001]);

  const unsigned24 = new Uint32Array([0xff123456]);
  normaliseStoredBits(unsigned24, description(32, 24, 23, false));
  assert.deepEqual([...unsigned24], [0x123456]);

  const signed24 = new Int32Array([0x00800000, -1]);
  normaliseStoredBits(signed24, description(32, 24, 23, true));
  assert.deepEqual([...signed24], [-8388608, -1]);

  const signed7 = new Int8Array([-1, 0x3f]);
  normaliseStoredBits(signed7, description(8, 7, 6, true));
  assert.deepEqual([...signed7], [-1, 63]);
});
