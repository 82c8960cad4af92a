import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DicomImage } from '../src/io/dicom/dicom-image.js';
import { addToArena, arenaInOrder, createSliceArena } from '../src/io/dicom/series/slice-arena.js';

/** A stand-in image: one frame whose samples all equal `value`, with the given rescale. */
function image(value: number, perSlice: number, rescale = { slope: 1, intercept: 0 }): DicomImage {
  return { frames: [new Uint16Array(perSlice).fill(value)], rescale: { ...rescale, type: undefined }, pixel: { samplesPerPixel: 1 } } as unknown as DicomImage;
}

/** Deterministic shuffle (a linear congruential generator), so a failure reproduces. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test('slices read in any order come out in the wanted order, subsets and cycles included', () => {
  const perSlice = 5;
  for (let seed = 1; seed <= 40; seed++) {
    const count = 1 + (seed % 13);
    const images = Array.from({ length: count }, (_, v) => image(v + 100, perSlice, { slope: 1, intercept: -1 }));
    const arena = createSliceArena({ perSlice, capacity: count + 2 });
    for (const im of shuffled(images, seed)) assert.equal(addToArena(arena, im), true);
    // The wanted order: a shuffled subset (every image when seed is even).
    const wanted = shuffled(images, seed * 7).slice(0, seed % 2 === 0 ? count : Math.max(1, count - 3));
    const data = arenaInOrder(arena, wanted)!;
    assert.equal(data.length, wanted.length * perSlice);
    wanted.forEach((im, k) => {
      const expected = (im.frames[0]![0] as number) - 1;
      for (let i = 0; i < perSlice; i++) assert.equal(data[k * perSlice + i], expected, `seed ${seed}, position ${k}`);
    });
  }
});

test('a slice the arena cannot hold is refused whole: fractional rescale, beyond int16, another size', () => {
  const arena = createSliceArena({ perSlice: 4, capacity: 4 });
  assert.equal(addToArena(arena, image(10, 4, { slope: 0.5, intercept: 0 })), false);
  assert.equal(addToArena(arena, image(40000, 4)), false);
  assert.equal(addToArena(arena, image(10, 6)), false);
  assert.equal(arena.slotOf.size, 0);
  const fits = image(7, 4, { slope: 2, intercept: -1024 });
  assert.equal(addToArena(arena, fits), true);
  assert.deepEqual([...arenaInOrder(arena, [fits])!], [-1010, -1010, -1010, -1010]);
  assert.equal(arenaInOrder(arena, [image(1, 4)]), undefined);
});
