/** Rows a thread takes at a time: few enough to even out the threads, enough that taking them costs nothing. */
export const DRR_ROWS_PER_TAKE = 4;

/** A counter in shared memory: counter[0] is the first detector row no thread has taken yet. */
export function sharedRowCounter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** The next DRR_ROWS_PER_TAKE rows of a detector of `rows` rows, [first, end), taken atomically; undefined when none are left. */
export function takeRows(counter: Int32Array, rows: number): readonly [number, number] | undefined {
  const first = Atomics.add(counter, 0, DRR_ROWS_PER_TAKE);
  return first < rows ? [first, Math.min(rows, first + DRR_ROWS_PER_TAKE)] : undefined;
}
