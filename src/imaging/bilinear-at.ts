/** Bilinear value of a row-major grid at (x, y) in its pixel units (centres at integers), clamped to its edge. */
export function bilinearAt(values: ArrayLike<number>, columns: number, rows: number, x: number, y: number): number {
  const cx = Math.max(0, Math.min(columns - 1, x));
  const cy = Math.max(0, Math.min(rows - 1, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(columns - 1, x0 + 1);
  const y1 = Math.min(rows - 1, y0 + 1);
  const tx = cx - x0;
  const ty = cy - y0;
  const top = values[y0 * columns + x0]! * (1 - tx) + values[y0 * columns + x1]! * tx;
  const bottom = values[y1 * columns + x0]! * (1 - tx) + values[y1 * columns + x1]! * tx;
  return top * (1 - ty) + bottom * ty;
}
