import { median } from '../../stats/descriptive.js';
import type { CountedBodies } from './vertebral-body-boxes.js';
import { labelledRegions } from './vertebral-body-boxes.js';

/** A locator's label for the sacrum, where its network has that class (the fourth). */
export const SACRUM_LABEL = 3;

/** What the count from the sacrum found. */
export interface SacrumCount {
  /** The sacrum's top row in image pixels (its region's highest pixel in the spine's column). */
  sacrumTopY: number;
  /** Vertebral bodies missing between the lowest body found and the sacrum (0 or more). */
  bodiesMissing: number;
  /**
   * The lowest body found lies on the sacrum (the sacrum's top in the spine's column is above that
   * body's centre): S1 taken for a body, not counted. Then `bodiesMissing` is 0.
   */
  lowestOnSacrum: boolean;
}

/**
 * Counting from the sacrum, as a radiologist does: the lowest mobile vertebra is the one on the
 * sacrum. The bodies found are counted from the lowest up (`bodiesCountedFromBelow`), which names
 * the wrong levels when the lowest body was not found (over the sacrum on the AP view, behind the
 * iliac wings on the lateral): then the sacrum's top (under the lowest body, not its alae beside
 * it) lies a further vertebra below the lowest body.
 * With the step between body centres along the column, a sacrum whose top lies half a step below
 * the lowest body's centre is where it should be; each further step is a body not found. A sacrum
 * whose top, in the lowest body's own columns, lies above that body's centre holds it: the locator
 * took the first sacral segment for a body (seen on lateral views with a narrowed lumbosacral disc),
 * and the body above it is L5. Undefined
 * where no sacrum was found below the bodies (a field cut above it, or a locator without that class)
 * or fewer than two bodies give no step.
 */
export function countFromSacrum(o: { labels: Uint8Array; columns: number; rows: number; counted: CountedBodies }): SacrumCount | undefined {
  const column = o.counted.column;
  const lowest = column[column.length - 1];
  if (lowest === undefined || column.length < 2) return undefined;
  const centre = (b: { y0: number; y1: number }): number => (b.y0 + b.y1) / 2;
  const step = median(column.slice(1).map((b, k) => centre(b) - centre(column[k]!)));
  const columnX = median(column.map((b) => (b.x0 + b.x1) / 2));
  const width = median(column.map((b) => b.x1 - b.x0));
  if (!(step > 0)) return undefined;
  const sacrumOnly = o.labels.map((v) => (v === SACRUM_LABEL ? 1 : 0));
  // The sacrum: the largest sacrum region in the spine's column whose top lies below the top of the
  // body above the lowest (its alae may rise beside the lowest body, and where the lowest body found
  // is S1 the sacrum begins above it), at least a quarter of a body's area.
  const above = column[column.length - 2]!;
  const candidates = labelledRegions(sacrumOnly, o.columns, o.rows).filter(
    (r) => Math.abs((r.x0 + r.x1) / 2 - columnX) <= 1.5 * width && r.y0 > above.y0 && r.pixels >= 0.25 * lowest.pixels,
  );
  const sacrum = candidates.sort((a, b) => b.pixels - a.pixels)[0];
  if (sacrum === undefined) return undefined;
  // Its top under the lowest body (within half that body's width of its centre), not the alae's beside it.
  const centreX = (lowest.x0 + lowest.x1) / 2;
  const sacrumTopY = firstRowWithLabel(o, {
    x0: Math.max(0, Math.round(centreX - width / 2)),
    x1: Math.min(o.columns - 1, Math.round(centreX + width / 2)),
    y0: Math.max(0, Math.floor(sacrum.y0)),
    y1: Math.min(o.rows - 1, sacrum.y1),
  });
  if (sacrumTopY === undefined) return undefined;
  // Sacrum above the lowest body's centre, in that body's own columns: the body is part of it.
  if (sacrumTopY < centre(lowest)) return { sacrumTopY, bodiesMissing: 0, lowestOnSacrum: true };
  return { sacrumTopY, bodiesMissing: Math.max(0, Math.round((sacrumTopY - centre(lowest)) / step - 0.5)), lowestOnSacrum: false };
}

/** The first row of the box holding a sacrum pixel. */
function firstRowWithLabel(o: { labels: Uint8Array; columns: number }, box: { x0: number; x1: number; y0: number; y1: number }): number | undefined {
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) if (o.labels[y * o.columns + x] === SACRUM_LABEL) return y;
  }
  return undefined;
}
