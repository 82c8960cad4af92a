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

interface Region extends PixelBox {
  label: number;
  pixels: number;
}

/** Every 4-connected region of non-zero labels (each region one label), with its bounding box (edges at pixel borders). */
export function labelledRegions(labels: Uint8Array, columns: number, rows: number): Region[] {
  const seen = new Uint8Array(labels.length);
  // Grown when full, not sized for the whole image (a 20 MB array per call for a 2000 x 2500 radiograph).
  let stack = new Int32Array(Math.min(labels.length, 1 << 16));
  const regions: Region[] = [];
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
      // The four neighbours inline (a closure made per pixel cost more than the search).
      for (let n = 0; n < 4; n++) {
        if (n === 0 ? x === 0 : n === 1 ? x === columns - 1 : n === 2 ? y === 0 : y === rows - 1) continue;
        const q = n === 0 ? p - 1 : n === 1 ? p + 1 : n === 2 ? p - columns : p + columns;
        if (seen[q] === 0 && labels[q] === label) {
          seen[q] = 1;
          if (top === stack.length) {
            const grown = new Int32Array(Math.min(labels.length, 2 * stack.length));
            grown.set(stack);
            stack = grown;
          }
          stack[top++] = q;
        }
      }
    }
    regions.push({ label, pixels: count, x0: x0 - 0.5, x1: x1 + 0.5, y0: y0 - 0.5, y1: y1 + 0.5 });
  }
  return regions;
}

/**
 * Each level's vertebral body from a label image that names the levels (class k =
 * LOCATOR_LEVELS[k - 1], 0 background), as training labels do: the bounding box of the level's
 * largest region, so islands elsewhere do not stretch it. Levels with no pixels are absent.
 */
export function bodyBoxesFromLabels(labels: Uint8Array, columns: number, rows: number): BodyBox[] {
  const best = new Map<number, Region>();
  for (const r of labelledRegions(labels, columns, rows)) {
    const current = best.get(r.label);
    if (current === undefined || r.pixels > current.pixels) best.set(r.label, r);
  }
  return LOCATOR_LEVELS.flatMap((level, k) => {
    const r = best.get(k + 1);
    return r === undefined ? [] : [{ level, pixels: r.pixels, x0: r.x0, x1: r.x1, y0: r.y0, y1: r.y1 }];
  });
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** Bodies labelled by counting up from the lowest, and whether that count may be off. */
export interface CountedBodies {
  bodies: BodyBox[];
  /** The lowest body touches the image's lower edge: it may not be L5. */
  lowestAtEdge: boolean;
  /** Every body found in the spine's column, head to feet, named or not (a second count may rename them). */
  column: ColumnBox[];
  /** The lowest body's level in LOCATOR_LEVELS (default L5; the count from the sacrum may make it L4). */
  lowestLevelIndex?: number;
}

/** A body in the spine's column, not yet named. */
export interface ColumnBox extends PixelBox {
  pixels: number;
}

/**
 * The column's bodies named from below: the lowest is `LOCATOR_LEVELS[lowestLevelIndex]` (5, L5,
 * when counting from the sacrum; 4 when another count says the lowest is L4) and each one above
 * the level above; bodies beyond T12-L5 are left unnamed.
 */
export function nameFromBelow(column: readonly ColumnBox[], lowestLevelIndex: number): BodyBox[] {
  return column.flatMap((box, k) => {
    const level = LOCATOR_LEVELS[lowestLevelIndex - (column.length - 1 - k)];
    return level === undefined ? [] : [{ level, ...box }];
  });
}

/**
 * The levels of a locator's label image (1 vertebral body, 2 a body's core), with no network
 * involved: the core regions of a body's size (at least 30 % of the median of the six largest) in
 * the spine's column (centres within 0.75 median widths of the median centre), counted from the
 * lowest up: L5, L4, ..., T12. Each body's box is the extent of body and core pixels beside its core
 * (a quarter of its width either side) between the midpoints to the neighbouring cores. Where fewer
 * than four cores are found, whole bodies are counted instead (on a lateral view the discs part
 * them, and a network may not have learned the cores there). The lowest mobile
 * body above the sacrum is L5 in about 90 % of people; a transitional vertebra moves the count by
 * one, which the caller flags where it can see it.
 */
export function bodiesCountedFromBelow(labels: Uint8Array, columns: number, rows: number, bodyMask?: () => Uint8Array): CountedBodies {
  const counted = countFromBelow(labels, columns, rows);
  if (counted.bodies.length >= ROI_COUNT) return counted;
  // No cores where the bodies stand apart (a lateral view's discs separate them): the bodies are
  // their own cores, from a mask of body-or-core (where a network unsure of the core splits its
  // probability between the two, the argmax labels would cut each body in half).
  const bodies = countFromBelow(
    (bodyMask?.() ?? labels).map((v) => (v > 0 ? 2 : 0)),
    columns,
    rows,
  );
  return bodies.bodies.length > counted.bodies.length ? bodies : counted;
}

/** L1-L4: fewer cores than these and the bodies themselves are counted. */
const ROI_COUNT = 4;

function countFromBelow(labels: Uint8Array, columns: number, rows: number): CountedBodies {
  const cores = labelledRegions(labels, columns, rows).filter((r) => r.label === 2);
  const largest = [...cores].sort((a, b) => b.pixels - a.pixels).slice(0, LOCATOR_LEVELS.length);
  if (largest.length === 0) return { bodies: [], lowestAtEdge: false, column: [] };
  const typicalArea = medianOf(largest.map((r) => r.pixels));
  const big = cores.filter((r) => r.pixels >= 0.3 * typicalArea);
  const columnX = medianOf(big.map((r) => (r.x0 + r.x1) / 2));
  const width = medianOf(big.map((r) => r.x1 - r.x0));
  const spine = big.filter((r) => Math.abs((r.x0 + r.x1) / 2 - columnX) <= 0.75 * width).sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  const centre = (r: Region): number => (r.y0 + r.y1) / 2;
  const boxes = spine.map((core, k) => {
    const above = spine[k - 1];
    const below = spine[k + 1];
    const h = core.y1 - core.y0;
    const top = Math.max(0, Math.floor(above === undefined ? core.y0 - h : (centre(above) + centre(core)) / 2));
    const bottom = Math.min(rows - 1, Math.ceil(below === undefined ? core.y1 + h : (centre(core) + centre(below)) / 2));
    const beside = (core.x1 - core.x0) / 4;
    const left = Math.max(0, Math.floor(core.x0 - beside));
    const right = Math.min(columns - 1, Math.ceil(core.x1 + beside));
    let [x0, x1, y0, y1] = [core.x0, core.x1, core.y0, core.y1];
    for (let y = top; y <= bottom; y++)
      for (let x = left; x <= right; x++) {
        if (labels[y * columns + x] === 0) continue;
        x0 = Math.min(x0, x - 0.5);
        x1 = Math.max(x1, x + 0.5);
        y0 = Math.min(y0, y - 0.5);
        y1 = Math.max(y1, y + 0.5);
      }
    return { pixels: core.pixels, x0, x1, y0, y1 };
  });
  const bodies = nameFromBelow(boxes, LOCATOR_LEVELS.length - 1);
  const lowest = bodies[bodies.length - 1];
  return { bodies, lowestAtEdge: lowest !== undefined && lowest.y1 >= rows - 1.5, column: boxes };
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
 * beside it, its upper and lower edges in the middle of the discs above and below (halfway between
 * this body's edge and its neighbour's, which may overlap it in projection). A neighbour not found:
 * the edge is half the median disc gap of the found neighbours away (a tenth of the body's height
 * when none is known). Levels whose body was not found
 * are absent.
 */
export function seed004RoiBoxes(bodies: readonly BodyBox[], levels: readonly LocatorLevel[], marginPx: number): RoiBox[] {
  const byLevel = new Map(bodies.map((b) => [b.level, b]));
  const gaps: number[] = [];
  for (let k = 1; k < LOCATOR_LEVELS.length; k++) {
    const above = byLevel.get(LOCATOR_LEVELS[k - 1]!);
    const below = byLevel.get(LOCATOR_LEVELS[k]!);
    if (above !== undefined && below !== undefined) gaps.push(below.y0 - above.y1);
  }
  // Projected endplates may overlap (a negative gap): a missing neighbour's edge is then the body's own.
  const typicalGap = gaps.length === 0 ? undefined : Math.max(0, median(gaps)!);
  return levels.flatMap((level) => {
    const body = byLevel.get(level);
    if (body === undefined) return [];
    const k = LOCATOR_LEVELS.indexOf(level);
    const above = k > 0 ? byLevel.get(LOCATOR_LEVELS[k - 1]!) : undefined;
    const below = k < LOCATOR_LEVELS.length - 1 ? byLevel.get(LOCATOR_LEVELS[k + 1]!) : undefined;
    const halfGap = (typicalGap ?? 0.2 * (body.y1 - body.y0)) / 2;
    const y0 = above !== undefined ? (above.y1 + body.y0) / 2 : body.y0 - halfGap;
    const y1 = below !== undefined ? (body.y1 + below.y0) / 2 : body.y1 + halfGap;
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
