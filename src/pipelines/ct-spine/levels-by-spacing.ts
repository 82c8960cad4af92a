/** Below FOUND_THRESHOLD, a peak at least this strong can still be its level if it sits where the other two put it. */
export const SPACING_CONFIDENCE_THRESHOLD = 0.2;
/** How far (share of the neighbours' spacing) the weak peak may lie from where the other two put it. */
const SPACING_TOLERANCE = 0.3;
/** How far across (projection pixels, 2 mm) from the other two levels' mean column. */
const COLUMN_TOLERANCE_PX = 5;
/** Peaks this close (pixels) to the projection's top or bottom are the field's edge, not a body. */
const EDGE_PX = 2;

/**
 * T12, L1 and L2 follow each other at nearly even spacing. When two are found, a weak peak of the
 * third (confidence in [SPACING_CONFIDENCE_THRESHOLD, FOUND_THRESHOLD)) is accepted where it lies
 * within 30 % of a spacing of the position the other two extrapolate to, in their column, and not at
 * the field's edge. `points` are coronal projection pixels (column, row), levels in cranio-caudal
 * order. Returns which levels are accepted this way.
 */
export function levelsFoundBySpacing(
  points: readonly [number, number][],
  confidences: readonly number[],
  found: readonly boolean[],
  projectionRows: number,
): boolean[] {
  const accepted = found.map(() => false);
  const known = found.flatMap((f, i) => (f ? [i] : []));
  if (known.length !== points.length - 1 || known.length < 2) return accepted;
  const [a, b] = known as [number, number];
  const [ca, ra] = points[a]!;
  const [cb, rb] = points[b]!;
  const spacing = (rb - ra) / (b - a);
  if (!(spacing > 0)) return accepted;
  for (let l = 0; l < points.length; l++) {
    if (found[l] || !(confidences[l]! >= SPACING_CONFIDENCE_THRESHOLD)) continue;
    const [column, row] = points[l]!;
    const expectedRow = ra + (l - a) * spacing;
    const nearExpected = Math.abs(row - expectedRow) <= SPACING_TOLERANCE * spacing;
    const inColumn = Math.abs(column - (ca + cb) / 2) <= COLUMN_TOLERANCE_PX;
    const insideField = row >= EDGE_PX && row <= projectionRows - 1 - EDGE_PX;
    accepted[l] = nearExpected && inColumn && insideField;
  }
  return accepted;
}
