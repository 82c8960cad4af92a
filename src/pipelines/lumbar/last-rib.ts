import type { Image2D } from '../../core/image2d.js';
import { quantilesOfFinite, sampleOnGrid } from '../../imaging/network-grid.js';
import type { NetworkGrid } from '../../imaging/network-grid.js';
import { squareMorphology } from '../../imaging/grey-morphology.js';
import { ridgeStrength } from '../../imaging/ridge-strength.js';
import { LOCATOR_LEVELS } from './lumbar-networks.js';
import type { BodyBox, CountedBodies, PixelBox } from './vertebral-body-boxes.js';
import { nameFromBelow } from './vertebral-body-boxes.js';

/**
 * The lowest rib on an AP lumbar radiograph, as a second count beside the count from the sacrum.
 * The twelfth ribs leave T12 running laterally and downward, past the ends of the lumbar
 * transverse processes, which run sideways and stop. So: on a 1 mm grid, the bright-ridge strength
 * of bands as wide as a rib (sigma 2.5 mm); from every row beside the column of vertebral bodies
 * (4 mm out from the body's edge), the ridge is followed outward, a row up or down per mm; a
 * ridge that runs on for RIB_MIN_REACH_MM, descending by at least RIB_MIN_DESCENT_DEG over its
 * first 20 mm, starts a rib there (its root). Ribs come in pairs: a root on one side counts where
 * the other side has one within RIB_PAIR_LEVELS of a level. The lowest such pair is the last rib.
 *
 * Its height is given in levels of the count from below (0 at the centre of the body named T12, 1
 * at the centre of the one named L1), so the caller can see whether the two counts agree. Chosen on
 * a development cohort with transitional vertebrae (SIMULATED seed 7400, 60 people, the truth's
 * boxes): the last rib's root lay between -0.33 and +0.92 levels of the true T12 in all 60,
 * hypoplastic twelfth ribs included.
 */
export interface LastRib {
  /** Levels below the centre of the body named T12 (negative: above it). */
  levelsBelowT12: number;
  /** Where it starts beside the column, image pixels (the mean of the pair's roots). */
  rootRow: number;
  /** Every root found per side, in levels below T12 (for the record and pictures). */
  roots: { left: number[]; right: number[] };
}

const GRID_MM = 1;
const RIDGE_SIGMA_MM = 2.5;
/** How far beside the body's edge a root is looked for: past the body's own cortex. */
const START_OUTSIDE_EDGE_MM = 4;
/** A lumbar transverse process stops near the body, a twelfth rib runs on (the reach chosen on the development cohort). */
const RIB_MIN_REACH_MM = 35;
const RIB_MIN_DESCENT_DEG = 15;
const DESCENT_OVER_MM = 20;
const MAX_TRACE_MM = 90;
/** A ridge whose strength falls under this share of its start's, for more than MAX_GAP_MM, has ended. */
const RIDGE_KEEP_SHARE = 0.35;
const MAX_GAP_MM = 3;
const RIB_PAIR_LEVELS = 0.4;
/** Rows searched: from this many levels above T12 to this many below it. */
const SEARCH_ABOVE_LEVELS = 1.5;
const SEARCH_BELOW_LEVELS = 2;

interface ColumnBody {
  centreRow: number;
  left: number;
  right: number;
}

/** The body's lateral edges at a row: interpolated between the bodies' centres, the end bodies' beyond them. */
function edgesAt(column: readonly ColumnBody[], row: number): { left: number; right: number } {
  const first = column[0]!;
  const last = column[column.length - 1]!;
  if (row <= first.centreRow) return first;
  if (row >= last.centreRow) return last;
  for (let k = 1; k < column.length; k++) {
    const [a, b] = [column[k - 1]!, column[k]!];
    if (row > b.centreRow) continue;
    const t = (row - a.centreRow) / (b.centreRow - a.centreRow);
    return { left: a.left + t * (b.left - a.left), right: a.right + t * (b.right - a.right) };
  }
  return last;
}

/** Follows a ridge outward from (x, y) on the grid: how far it runs (mm) and its rows, one per mm. */
function followRidge(ridge: Float32Array, columns: number, rows: number, x0: number, y0: number, side: -1 | 1): { reachMm: number; path: number[] } {
  const start = ridge[y0 * columns + x0]!;
  const keep = RIDGE_KEEP_SHARE * start;
  const path = [y0];
  let y = y0;
  let reach = 0;
  let gap = 0;
  for (let step = 1; step < MAX_TRACE_MM / GRID_MM; step++) {
    const x = x0 + side * step;
    if (x < 0 || x >= columns) break;
    let best = y;
    for (const candidate of [y - 1, y, y + 1])
      if (candidate >= 0 && candidate < rows && ridge[candidate * columns + x]! > ridge[best * columns + x]!) best = candidate;
    if (ridge[best * columns + x]! >= keep) {
      y = best;
      gap = 0;
      reach = step;
      path.push(y);
    } else if (++gap > MAX_GAP_MM / GRID_MM) break;
  }
  return { reachMm: reach * GRID_MM, path };
}

/**
 * Ridge strength on the grid, 0 within 3 sigma of the image's edge: outside the image there is
 * nothing, and a bright image against any fill would make its edge a ridge. The fill is the
 * nearest pixel of the same row (or the nearest row), so that the blur sees no step.
 */
function ridgeInsideImage(sampled: Float32Array, columns: number, rows: number): Float32Array {
  const [low, high] = quantilesOfFinite(sampled, [0.01, 0.99]) as [number, number];
  const span = high > low ? high - low : 1;
  // Plain loops: Float32Array.from with a mapping function goes through the iterator protocol (25 ms here).
  const inside = new Float32Array(sampled.length);
  const values = new Float32Array(sampled.length);
  for (let k = 0; k < sampled.length; k++) {
    const v = sampled[k]!;
    const finite = Number.isFinite(v);
    inside[k] = finite ? 1 : 0;
    values[k] = finite ? (v - low) / span : Number.NaN;
  }
  fillFromNearest(values, columns, rows);
  const ridge = ridgeStrength(values, columns, rows, RIDGE_SIGMA_MM / GRID_MM);
  squareMorphology(inside, columns, rows, Math.ceil((3 * RIDGE_SIGMA_MM) / GRID_MM), 'erode');
  for (let k = 0; k < ridge.length; k++) if (inside[k] === 0) ridge[k] = 0;
  return ridge;
}

/** NaN pixels take the nearest finite value of their row; rows with none, the nearest such row (0 if none). */
function fillFromNearest(values: Float32Array, columns: number, rows: number): void {
  const rowFilled = new Uint8Array(rows);
  for (let y = 0; y < rows; y++) {
    const row = values.subarray(y * columns, (y + 1) * columns);
    let last = Number.NaN;
    for (let x = 0; x < columns; x++)
      if (Number.isFinite(row[x]!)) last = row[x]!;
      else row[x] = last;
    last = Number.NaN;
    for (let x = columns - 1; x >= 0; x--)
      if (Number.isFinite(row[x]!)) last = row[x]!;
      else row[x] = last;
    rowFilled[y] = Number.isFinite(row[0]!) ? 1 : 0;
  }
  for (let y = 0; y < rows; y++) {
    if (rowFilled[y] === 1) continue;
    let source = -1;
    for (let d = 1; d < rows && source < 0; d++) {
      if (y - d >= 0 && rowFilled[y - d] === 1) source = y - d;
      else if (y + d < rows && rowFilled[y + d] === 1) source = y + d;
    }
    for (let x = 0; x < columns; x++) values[y * columns + x] = source < 0 ? 0 : values[source * columns + x]!;
  }
}

/**
 * The last rib's root on an AP radiograph (bone bright), from the bodies found in the spine's
 * column (head to feet, image pixels) of which `t12` and `l1` are the ones the count from below
 * named so. Undefined when no pair of ribs starts within the rows searched.
 */
export function findLastRib(o: { image: Image2D; column: readonly PixelBox[]; t12: PixelBox; l1: PixelBox }): LastRib | undefined {
  const pixelMm = o.image.spacingMm[0];
  const centreRow = (b: PixelBox): number => (b.y0 + b.y1) / 2;
  const levelRows = centreRow(o.l1) - centreRow(o.t12);
  if (!(levelRows > 0)) return undefined;
  const step = GRID_MM / pixelMm;
  const spineX = (o.t12.x0 + o.t12.x1 + o.l1.x0 + o.l1.x1) / 4;
  const halfWidth = (o.l1.x1 - o.l1.x0) / 2 + (START_OUTSIDE_EDGE_MM + MAX_TRACE_MM + 5) / pixelMm;
  const top = centreRow(o.t12) - (SEARCH_ABOVE_LEVELS + 0.5) * levelRows;
  const bottom = centreRow(o.t12) + SEARCH_BELOW_LEVELS * levelRows + MAX_TRACE_MM / pixelMm;
  const grid: NetworkGrid = {
    columns: Math.ceil((2 * halfWidth) / step) + 1,
    rows: Math.ceil((bottom - top) / step) + 1,
    stepX: step,
    stepY: step,
    x0: spineX - halfWidth,
    y0: top,
    pixelMm: GRID_MM,
  };
  const sampled = sampleOnGrid(o.image, grid);
  const ridge = ridgeInsideImage(sampled, grid.columns, grid.rows);
  const column = o.column.map((b) => ({ centreRow: (centreRow(b) - grid.y0) / step, left: (b.x0 - grid.x0) / step, right: (b.x1 - grid.x0) / step }));
  const t12Row = (centreRow(o.t12) - grid.y0) / step;
  const levelGrid = levelRows / step;
  const roots: LastRib['roots'] = { left: [], right: [] };
  const firstRow = Math.max(1, Math.round(t12Row - SEARCH_ABOVE_LEVELS * levelGrid));
  const lastRow = Math.min(grid.rows - 2, Math.round(t12Row + SEARCH_BELOW_LEVELS * levelGrid));
  for (const side of [-1, 1] as const) {
    for (let y = firstRow; y <= lastRow; y++) {
      const edges = edgesAt(column, y);
      const x = Math.round((side < 0 ? edges.left : edges.right) + (side * START_OUTSIDE_EDGE_MM) / GRID_MM);
      if (x < 0 || x >= grid.columns) continue;
      const here = ridge[y * grid.columns + x]!;
      // One root per ridge crossing the start column: its strongest row.
      if (!(here > 0) || here < ridge[(y - 1) * grid.columns + x]! || here < ridge[(y + 1) * grid.columns + x]!) continue;
      const { reachMm, path } = followRidge(ridge, grid.columns, grid.rows, x, y, side);
      if (reachMm < RIB_MIN_REACH_MM) continue;
      const over = Math.min(path.length - 1, DESCENT_OVER_MM / GRID_MM);
      const descentDeg = (Math.atan2(path[over]! - path[0]!, over * GRID_MM) * 180) / Math.PI;
      if (descentDeg < RIB_MIN_DESCENT_DEG) continue;
      roots[side < 0 ? 'left' : 'right'].push((y - t12Row) / levelGrid);
    }
  }
  let lowest: number | undefined;
  for (const a of roots.left)
    for (const b of roots.right) if (Math.abs(a - b) <= RIB_PAIR_LEVELS && (lowest === undefined || (a + b) / 2 > lowest)) lowest = (a + b) / 2;
  if (lowest === undefined) return undefined;
  return { levelsBelowT12: lowest, rootRow: centreRow(o.t12) + lowest * levelRows, roots };
}

/** The last rib's root at or below the centre of the body named L1: that body bears it, so it is T12. */
export const RIB_SAYS_COUNT_HIGH_LEVELS = 1;
/** The last rib's root above the disc over the body named T12: that body bears none, so it is L1. */
export const RIB_SAYS_COUNT_LOW_LEVELS = -0.5;

/** The two counts compared: the bodies named by the last rib where it disagrees with the count from below. */
export interface RibCount {
  bodies: BodyBox[];
  lastRib: LastRib | undefined;
  /** Levels the names moved: +1 when the count from below named every body one level too low in the spine (the body it called L1 is T12). */
  shift: -1 | 0 | 1;
}

/**
 * The count from the last rib beside the count from the sacrum (issue 21: transitional vertebrae
 * exist, and a locator may lose L5 over the sacrum): where the lowest pair of ribs arises at the
 * body named L1 or lower, every name moves one level up the spine (that body is T12); where it
 * arises above the body named T12, one level down. Where no rib is found, or L1 is not (or neither
 * T12 nor L2), the count from below stands.
 */
export function countWithLastRib(o: { image: Image2D; counted: CountedBodies }): RibCount {
  const named = (level: string): BodyBox | undefined => o.counted.bodies.find((b) => b.level === level);
  const l1 = named('L1');
  const l2 = named('L2');
  // A field that starts at L1 (or whose top body was not found): T12 a level above L1.
  const t12 = named('T12') ?? (l1 !== undefined && l2 !== undefined ? shiftedBox(l1, (l1.y0 + l1.y1 - l2.y0 - l2.y1) / 2) : undefined);
  if (t12 === undefined || l1 === undefined) return { bodies: o.counted.bodies, lastRib: undefined, shift: 0 };
  const lastRib = findLastRib({ image: o.image, column: o.counted.column, t12, l1 });
  if (lastRib === undefined) return { bodies: o.counted.bodies, lastRib, shift: 0 };
  const shift = lastRib.levelsBelowT12 >= RIB_SAYS_COUNT_HIGH_LEVELS ? 1 : lastRib.levelsBelowT12 < RIB_SAYS_COUNT_LOW_LEVELS ? -1 : 0;
  return { bodies: namedWithShift(o.counted, shift), lastRib, shift };
}

/** The counted column renamed `shift` levels up the spine (+1: the body counted as L1 is T12). */
export function namedWithShift(counted: CountedBodies, shift: -1 | 0 | 1): BodyBox[] {
  return shift === 0 ? counted.bodies : nameFromBelow(counted.column, (counted.lowestLevelIndex ?? LOCATOR_LEVELS.length - 1) - shift);
}

function shiftedBox(box: BodyBox, rows: number): BodyBox {
  return { ...box, level: 'T12', y0: box.y0 + rows, y1: box.y1 + rows };
}
