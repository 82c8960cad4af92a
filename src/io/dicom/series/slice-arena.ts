import type { DicomImage } from '../dicom-image.js';

/**
 * A series' rescaled slices in one int16 block, in the order the files were read. Each slice is
 * copied here as soon as its file is decoded, so the file's bytes can be dropped and the series is
 * held once, not twice; the block's unused tail is never written and so never takes memory.
 */
export interface SliceArena {
  readonly data: Int16Array;
  readonly perSlice: number;
  readonly slotOf: Map<DicomImage, number>;
}

/** Samples an arena may reserve (2 GiB); slices beyond it keep their own frames. */
const MAX_ARENA_SAMPLES = 2 ** 30;

export function createSliceArena(o: { perSlice: number; capacity: number }): SliceArena {
  const capacity = Math.min(o.capacity, Math.floor(MAX_ARENA_SAMPLES / Math.max(1, o.perSlice)));
  return { data: new Int16Array(o.perSlice * capacity), perSlice: o.perSlice, slotOf: new Map() };
}

/**
 * Copies the image's rescaled frame into the next free slot. False, and nothing kept, when it does
 * not fit: not one greyscale frame of the arena's size, a rescale that is not integer, or a value
 * outside int16 (the caller keeps the image's own frame then).
 */
export function addToArena(arena: SliceArena, image: DicomImage): boolean {
  const slot = arena.slotOf.size;
  const frame = image.frames[0];
  const { slope, intercept } = image.rescale;
  if (image.frames.length !== 1 || frame === undefined || frame.length !== arena.perSlice || image.pixel.samplesPerPixel !== 1) return false;
  if (!Number.isInteger(slope) || !Number.isInteger(intercept) || (slot + 1) * arena.perSlice > arena.data.length) return false;
  if (!copyRescaledInt16({ from: frame, into: arena.data, at: slot * arena.perSlice, count: arena.perSlice, slope, intercept })) return false;
  arena.slotOf.set(image, slot);
  return true;
}

/** Writes slope x stored + intercept into int16; false when a value does not fit. */
export function copyRescaledInt16(o: { from: ArrayLike<number>; into: Int16Array; at: number; count: number; slope: number; intercept: number }): boolean {
  const { from, into, at, count, slope, intercept } = o;
  let min = 0;
  let max = 0;
  for (let i = 0; i < count; i++) {
    const v = slope * from[i]! + intercept;
    into[at + i] = v;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return min >= -32768 && max <= 32767;
}

/**
 * The given slices, in the given order, as one int16 array: the arena's block with its slots moved
 * in place (each slice moved once, one spare slice for a closed cycle), cut to length. Undefined
 * when a slice is not in the arena. The arena is spent afterwards.
 */
export function arenaInOrder(arena: SliceArena, ordered: readonly DicomImage[]): Int16Array | undefined {
  const slots = ordered.map((image) => arena.slotOf.get(image));
  if (slots.some((s) => s === undefined)) return undefined;
  const source = slots as number[];
  const { data, perSlice } = arena;
  const n = source.length;
  const move = (to: number, from: number): void => {
    data.copyWithin(to * perSlice, from * perSlice, (from + 1) * perSlice);
  };
  // Position k must end holding what slot source[k] held. wanted[p]: whether some position wants what p holds now.
  const wanted = new Uint8Array(source.reduce((a, b) => Math.max(a, b), n) + 1);
  for (const slot of source) wanted[slot] = 1;
  const done = new Uint8Array(n);
  // Chains first: a position whose slice nobody wants may be overwritten, then the one it pulled from.
  for (let head = 0; head < n; head++) {
    if (wanted[head] === 1 || done[head] === 1) continue;
    for (let k = head; ;) {
      const from = source[k]!;
      move(k, from);
      done[k] = 1;
      if (from >= n) break;
      k = from;
    }
  }
  // What is left are closed cycles: the first slice of each waits in the spare.
  const spare = new Int16Array(perSlice);
  for (let start = 0; start < n; start++) {
    if (done[start] === 1 || source[start] === start) continue;
    spare.set(data.subarray(start * perSlice, (start + 1) * perSlice));
    for (let k = start; ;) {
      const from = source[k]!;
      done[k] = 1;
      if (from === start) {
        data.set(spare, k * perSlice);
        break;
      }
      move(k, from);
      k = from;
    }
  }
  return data.subarray(0, n * perSlice);
}
