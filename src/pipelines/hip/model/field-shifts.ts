import { warpImage } from '../../../nn/training/image-augmentation.js';
import { HIP_FIELD } from '../radiograph/hip-field.js';

/**
 * How far stage three's test-time views move the field: 4 field pixels (8 mm) each way along rows
 * and columns, a 3 x 3 grid of nine views including the field itself. The field is placed at a fixed
 * part of the image, so where the femur lies in it varies by some centimetres; the network's
 * estimate moved with a shift of a few pixels that training's augmentation (translations up to 8 %
 * of the field) already covers, and the mean over the grid removes part of that. Chosen on
 * development cohort 936 + 937 (SIMULATED, 32 persons) among one view, the field and four 4-pixel
 * shifts, 3 x 3 grids at 2 and at 4 pixels and a 5 x 5 grid at 2: femoral-neck RMS-CV across the
 * four poses 3.57 % with the field alone, 2.89 % with this grid (r 0.915 -> 0.921). With an
 * ensemble of three networks (--regression-members 3) the five views of the field and its four
 * shifts did a little better (2.72 %) at 15 passes per hip, but three networks cost analyze 0.2 s more than
 * the 2 s allow, so the shipped model has one network and reads these nine views.
 */
export const REGRESSION_VIEW_SHIFT_PX = 4;

/** The field moved by whole pixels (content moves right and down for positive shifts); uncovered pixels 0, training's warp and fill. */
export function shiftField(field: Float32Array, o: { rowsDown: number; columnsRight: number }): Float32Array {
  return warpImage(field, HIP_FIELD.columns, HIP_FIELD.rows, 1, [1, 0, o.columnsRight, 0, 1, o.rowsDown], 'nearest', 0);
}

/** The nine views stage three averages over: the field and its shifts by REGRESSION_VIEW_SHIFT_PX on a 3 x 3 grid. */
export function regressionViews(field: Float32Array): Float32Array[] {
  const steps = [-REGRESSION_VIEW_SHIFT_PX, 0, REGRESSION_VIEW_SHIFT_PX];
  return steps.flatMap((rowsDown) =>
    steps.map((columnsRight) => (rowsDown === 0 && columnsRight === 0 ? field : shiftField(field, { rowsDown, columnsRight }))),
  );
}
