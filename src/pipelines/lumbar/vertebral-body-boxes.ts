import type { LocatorLevel } from './lumbar-networks.js';
import { LOCATOR_LEVELS } from './lumbar-networks.js';

/** An axis-aligned box in image pixels: x across (columns), y down the image (rows); edges, not pixel centres. */
export interface PixelBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface BodyBox extends PixelBox {
  level: LocatorLevel;
  /** Pixels of the body's largest connected region. */
  pixels: number;
}

/**
 * Each level's vertebral body as the bounding box of its largest 4-connected region in a label
 * image (class k = LOCATOR_LEVELS[k - 1], 0 background): islands a network scatters elsewhere do not
 * stretch the box. Levels with no pixels are absent.
 */
export function bodyBoxesFromLabels(labels: Uint8Array, columns: number, rows: number): BodyBox[] {
  const seen = new Uint8Array(labels.length);
  const best = new Map<number, BodyBox>();
  const stack = new Int32Array(labels.length);
  for (let start = 0; start < labels.length; start++) {
    const label = labels[start]!;
    if (label === 0 || seen[start] === 1) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let count = 0;
    let x0 = columns;
    let x1 = -1;
    let y0 = rows;
    let y1 = -1;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % columns;
      const y = (p - x) / columns;
      count++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const visit = (q: number): void => {
        if (seen[q] === 0 && labels[q] === label) {
          seen[q] = 1;
          stack[top++] = q;
        }
      };
      if (x > 0) visit(p - 1);
      if (x < columns - 1) visit(p + 1);
      if (y > 0) visit(p - columns);
      if (y < rows - 1) visit(p + columns);
    }
    const level = LOCATOR_LEVELS[label - 1];
    if (level === undefined) continue;
    const current = best.get(label);
    if (current === undefined || count > current.pixels) best.set(label, { level, pixels: count, x0: x0 - 0.5, x1: x1 + 0.5, y0: y0 - 0.5, y1: y1 + 0.5 });
  }
  return LOCATOR_LEVELS.flatMap((_, k) => {
    const box = best.get(k + 1);
    return box === undefined ? [] : [box];
  });
}

export interface RoiBox extends PixelBox {
  level: LocatorLevel;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/**
 * Seed 004's ROI of each requested level: the smallest rectangle around the body with `marginPx`
 * beside it, its upper and lower edges in the middle of the discs above and below (between this
 * body and its neighbour). A neighbour not found: the edge is half the median disc gap of the found
 * neighbours away (a tenth of the body's height when none is known). Levels whose body was not found
 * are absent.
 */
export function seed004RoiBoxes(bodies: readonly BodyBox[], levels: readonly LocatorLevel[], marginPx: number): RoiBox[] {
  const byLevel = new Map(bodies.map((b) => [b.level, b]));
  const gaps: number[] = [];
  for (let k = 1; k < LOCATOR_LEVELS.length; k++) {
    const above = byLevel.get(LOCATOR_LEVELS[k - 1]!);
    const below = byLevel.get(LOCATOR_LEVELS[k]!);
    if (above !== undefined && below !== undefined && below.y0 > above.y1) gaps.push(below.y0 - above.y1);
  }
  const typicalGap = median(gaps);
  return levels.flatMap((level) => {
    const body = byLevel.get(level);
    if (body === undefined) return [];
    const k = LOCATOR_LEVELS.indexOf(level);
    const above = k > 0 ? byLevel.get(LOCATOR_LEVELS[k - 1]!) : undefined;
    const below = k < LOCATOR_LEVELS.length - 1 ? byLevel.get(LOCATOR_LEVELS[k + 1]!) : undefined;
    const halfGap = (typicalGap ?? 0.2 * (body.y1 - body.y0)) / 2;
    const y0 = above !== undefined && above.y1 < body.y0 ? (above.y1 + body.y0) / 2 : body.y0 - halfGap;
    const y1 = below !== undefined && below.y0 > body.y1 ? (body.y1 + below.y0) / 2 : body.y1 + halfGap;
    return [{ level, x0: body.x0 - marginPx, x1: body.x1 + marginPx, y0, y1 }];
  });
}

/** Intersection over union of two boxes. */
export function boxIou(a: PixelBox, b: PixelBox): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  const union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return union > 0 ? inter / union : 0;
}
