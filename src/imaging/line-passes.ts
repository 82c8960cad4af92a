/** Which lines of a plane a separable pass walks: rows (along x) or columns (along y). */
export interface PlaneLines {
  columns: number;
  rows: number;
  along: 'rows' | 'columns';
}

/**
 * Runs `transform` on every line of a row-major plane, in place: each line is copied out (so the
 * transform reads the line as it was), and what the transform writes to `out` is copied back.
 */
export function transformLines(
  data: Float32Array | Float64Array,
  { columns, rows, along }: PlaneLines,
  transform: (line: Float64Array, out: Float64Array) => void,
): void {
  const length = along === 'rows' ? columns : rows;
  const lines = along === 'rows' ? rows : columns;
  const stride = along === 'rows' ? 1 : columns;
  const line = new Float64Array(length);
  const out = new Float64Array(length);
  for (let l = 0; l < lines; l++) {
    const start = along === 'rows' ? l * columns : l;
    for (let k = 0; k < length; k++) line[k] = data[start + k * stride]!;
    transform(line, out);
    for (let k = 0; k < length; k++) data[start + k * stride] = out[k]!;
  }
}
