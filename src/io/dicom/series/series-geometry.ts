import { OpenBmdError } from '../../../core/errors.js';
import type { Vector3 } from '../../../core/geometry.js';
import { cross, dot, normalize, norm, subtract } from '../../../core/geometry.js';

export interface SlicePosition {
  file: string;
  positionMm: Vector3;
}

export interface SliceStack {
  /** Indices into the input, sorted along the slice normal. */
  order: number[];
  sliceSpacingMm: number;
  normal: Vector3;
}

/** Tolerances: positions closer than this are the same slice; spacing may vary by this much. */
export const DUPLICATE_TOLERANCE_MM = 0.01;
export const SPACING_RELATIVE_TOLERANCE = 0.02;
/** Angle between the slice normal and the stacking direction above which a series counts as tilted. */
export const TILT_TOLERANCE_DEG = 0.5;

/**
 * Sorts slices along the normal of their common orientation and checks that they form a regular
 * stack: no duplicates, no gaps, even spacing, and stacked along the normal (no gantry tilt).
 */
export function orderSlices(slices: readonly SlicePosition[], orientation: readonly number[], folder: string): SliceStack {
  const row: Vector3 = [orientation[0]!, orientation[1]!, orientation[2]!];
  const col: Vector3 = [orientation[3]!, orientation[4]!, orientation[5]!];
  const normal = normalize(cross(row, col));
  if (norm(normal) === 0) throw new OpenBmdError('MALFORMED', 'ImageOrientationPatient row and column directions are parallel', { file: folder });
  const distances = slices.map((s) => dot(s.positionMm, normal));
  const order = distances.map((_, i) => i).sort((a, b) => distances[a]! - distances[b]!);
  if (slices.length === 1) return { order, sliceSpacingMm: Number.NaN, normal };

  const gaps: number[] = [];
  for (let n = 1; n < order.length; n++) {
    const a = order[n - 1]!;
    const b = order[n]!;
    const gap = distances[b]! - distances[a]!;
    if (gap < DUPLICATE_TOLERANCE_MM) {
      throw new OpenBmdError(
        'SERIES',
        `duplicate slice: ${slices[a]!.file} and ${slices[b]!.file} lie at the same position (${distances[a]!.toFixed(3)} mm along the normal)`,
        { file: folder },
      );
    }
    gaps.push(gap);
  }
  const spacing = median(gaps);
  for (let n = 0; n < gaps.length; n++) {
    const gap = gaps[n]!;
    if (Math.abs(gap - spacing) <= SPACING_RELATIVE_TOLERANCE * spacing) continue;
    const before = slices[order[n]!]!.file;
    const after = slices[order[n + 1]!]!.file;
    if (gap > 1.5 * spacing) {
      const missing = Math.round(gap / spacing) - 1;
      throw new OpenBmdError(
        'SERIES',
        `missing slice: a gap of ${gap.toFixed(3)} mm (about ${missing} slice${missing === 1 ? '' : 's'} of ${spacing.toFixed(3)} mm) between ${before} and ${after}`,
        { file: folder },
      );
    }
    throw new OpenBmdError('SERIES', `unevenly spaced slices: ${gap.toFixed(3)} mm between ${before} and ${after}, ${spacing.toFixed(3)} mm elsewhere`, {
      file: folder,
    });
  }
  const first = slices[order[0]!]!.positionMm;
  const last = slices[order[order.length - 1]!]!.positionMm;
  const stacking = normalize(subtract(last, first));
  const angleDeg = (Math.acos(Math.min(1, Math.abs(dot(stacking, normal)))) * 180) / Math.PI;
  if (angleDeg > TILT_TOLERANCE_DEG) {
    throw new OpenBmdError(
      'SERIES',
      `gantry tilt: slices are stacked ${angleDeg.toFixed(2)} degrees off their normal; resample the series to an orthogonal grid first`,
      { file: folder },
    );
  }
  return { order, sliceSpacingMm: spacing, normal };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
