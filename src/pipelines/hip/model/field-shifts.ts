import { HIP_FIELD } from '../radiograph/hip-field.js';

/**
 * How far stage three's test-time views move the field: 4 field pixels (8 mm) up, down, left and
 * right, five views including the field itself. The field is placed at a fixed part of the image,
 * so where the femur lies in it varies by some centimetres; the network's estimate moved with a
 * shift of a few pixels that training's augmentation (translations up to 8 % of the field) already
 * covers, and the mean over the views removes part of that. Chosen on development cohort 936 + 937
 * (SIMULATED, 32 persons): with one network among one view, these five, 3 x 3 grids at 2 and at 4
 * pixels and a 5 x 5 grid at 2 (femoral-neck RMS-CV across the four poses 3.57, 2.98, 3.13, 2.92 and
 * 2.92 %), the 3 x 3 grid at 4 first; then with three networks (the shipped ensemble) among one
 * view, these five and that grid (2.96, 2.72 and 2.74 %), these five, at fewer passes.
 */
export const REGRESSION_VIEW_SHIFT_PX = 4;

/** The field moved by whole pixels (content moves right and down for positive shifts); uncovered pixels 0, as training's warp fills them. */
export function shiftField(field: Float32Array, o: { rowsDown: number; columnsRight: number }): Float32Array {
  const { rows, columns } = HIP_FIELD;
  const out = new Float32Array(field.length);
  for (let r = 0; r < rows; r++) {
    const from = r - o.rowsDown;
    if (from < 0 || from >= rows) continue;
    for (let c = 0; c < columns; c++) {
      const fromColumn = c - o.columnsRight;
      if (fromColumn >= 0 && fromColumn < columns) out[r * columns + c] = field[from * columns + fromColumn]!;
    }
  }
  return out;
}

/** The five views stage three averages over: the field and its shifts by REGRESSION_VIEW_SHIFT_PX along rows and along columns. */
export function regressionViews(field: Float32Array): Float32Array[] {
  const s = REGRESSION_VIEW_SHIFT_PX;
  return [
    field,
    shiftField(field, { rowsDown: -s, columnsRight: 0 }),
    shiftField(field, { rowsDown: s, columnsRight: 0 }),
    shiftField(field, { rowsDown: 0, columnsRight: -s }),
    shiftField(field, { rowsDown: 0, columnsRight: s }),
  ];
}
