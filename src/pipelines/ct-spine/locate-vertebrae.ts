import { concatFloat32 } from '../../core/concat-float32.js';
import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { Volume3D } from '../../core/volume3d.js';
import { heatmapPeaks } from '../../nn/architectures/spatial-configuration-net.js';
import { predictInBatches } from '../../nn/inference.js';
import type { TargetLevel } from './ct-spine-networks.js';
import { CORONAL_WINDOW, FOUND_THRESHOLD, LOCATE_AMPLITUDE, SAGITTAL_WINDOW, TARGET_LEVELS } from './ct-spine-networks.js';
import { levelsFoundBySpacing } from './levels-by-spacing.js';
import type { SpineProjection } from './spine-projections.js';
import { PROJECTION_PIXEL_MM, coronalMip, defaultWindowPlacement, projectionWindow, sagittalSlabMip } from './spine-projections.js';

export interface LocatedLevel {
  level: TargetLevel;
  found: boolean;
  /** Heat-map peak as a share of the training target's peak (1 = as certain as a training label). */
  confidence: number;
  /** Body centre, index-mm (x, y, z) of the canonical volume; null when not found. */
  centreMm: [number, number, number] | null;
  /** Where it was seen: coronal (x, z) and sagittal (y, z) projection pixels. */
  coronalPoint: [number, number] | null;
  sagittalPoint: [number, number] | null;
  /** Found from a weak peak where its two neighbours put it (levelsFoundBySpacing), not on its own. */
  foundBySpacing: boolean;
  /** Taken from the anatomical count (countVertebrae) because the network found too few levels. */
  foundByAnatomy: boolean;
}

/** A level not found (its best heat-map peak's confidence kept for the report). */
export function levelNotFound(level: TargetLevel, confidence: number): LocatedLevel {
  return { level, found: false, confidence, centreMm: null, coronalPoint: null, sagittalPoint: null, foundBySpacing: false, foundByAnatomy: false };
}

export interface VertebraLocalisation {
  levels: LocatedLevel[];
  coronal: SpineProjection;
  sagittal: SpineProjection;
  /** Index-mm x of the sagittal slab's centre. */
  midlineMm: number;
  /** Levels out of order or implausibly spaced (a labelling the result should not rest on). */
  orderProblem: string | null;
}

/** Row windows covering a projection: one centred when it fits, else overlapping windows from the top. */
function rowWindows(projection: SpineProjection, rows: number): number[] {
  if (projection.rows <= rows) return [defaultWindowPlacement(projection, rows).firstRow];
  const starts: number[] = [];
  for (let start = 0; start + rows < projection.rows; start += rows / 2) starts.push(start);
  starts.push(projection.rows - rows);
  return starts;
}

function peakValue(maps: Float32Array, columns: number, landmarks: number, l: number, [c, r]: [number, number]): number {
  return maps[(Math.round(r) * columns + Math.round(c)) * landmarks + l]!;
}

/**
 * Finds T12, L1 and L2 (seed 002's localisation, with heat maps instead of a region detector): the
 * coronal network places each level on the coronal MIP (x, z); the sagittal network, on a slab MIP
 * through the spine's midline, gives each body's anterior-posterior position (y) at that height.
 */
export function locateVertebrae(
  tf: TensorFlow,
  networks: { coronal: tfTypes.LayersModel; sagittal: tfTypes.LayersModel },
  volume: Volume3D,
): VertebraLocalisation {
  const coronal = coronalMip(volume);
  const { columns, rows } = CORONAL_WINDOW;
  const centreColumnMm = defaultWindowPlacement(coronal, rows).centreColumnMm;
  const windows = rowWindows(coronal, rows).map((firstRow) => projectionWindow(coronal, columns, rows, centreColumnMm, firstRow));
  const outputs = predictInBatches(
    tf,
    networks.coronal,
    windows.length,
    (start, size) => tf.tensor4d(concatFloat32(windows.slice(start, start + size).map((w) => w.data)), [size, rows, columns, 1]),
    4,
  );
  const levels = TARGET_LEVELS.length;
  // Per level, the window where its peak is highest.
  const best = TARGET_LEVELS.map((_, l) => {
    let pick = { value: -Infinity, point: [0, 0] as [number, number] };
    outputs.forEach((maps, w) => {
      const peak = heatmapPeaks(maps, columns, rows, levels)[l]!;
      const value = peakValue(maps, columns, levels, l, peak);
      if (value > pick.value) pick = { value, point: [peak[0] + windows[w]!.firstColumn, peak[1] + windows[w]!.firstRow] };
    });
    return { confidence: pick.value / LOCATE_AMPLITUDE, point: pick.point };
  });
  const strong = best.map((b) => b.confidence >= FOUND_THRESHOLD);
  const bySpacing = levelsFoundBySpacing(
    best.map((b) => b.point),
    best.map((b) => b.confidence),
    strong,
    coronal.rows,
  );
  const found = strong.map((f, l) => f || bySpacing[l]!);
  const xOf = (point: [number, number]): number => coronal.firstColumnMm + point[0] * PROJECTION_PIXEL_MM;
  const zOf = (row: number): number => coronal.topZMm - row * PROJECTION_PIXEL_MM;
  const foundX = best.filter((_, l) => found[l]).map((b) => xOf(b.point));
  const midlineMm = foundX.length > 0 ? foundX.reduce((a, b) => a + b, 0) / foundX.length : centreColumnMm;

  const sagittal = sagittalSlabMip(volume, midlineMm);
  const sw = SAGITTAL_WINDOW;
  const sagittalCentre = defaultWindowPlacement(sagittal, sw.rows).centreColumnMm;
  const sagittalWindows = rowWindows(sagittal, sw.rows).map((firstRow) => projectionWindow(sagittal, sw.columns, sw.rows, sagittalCentre, firstRow));
  const sagittalMaps = predictInBatches(
    tf,
    networks.sagittal,
    sagittalWindows.length,
    (start, size) => tf.tensor4d(concatFloat32(sagittalWindows.slice(start, start + size).map((w) => w.data)), [size, sw.rows, sw.columns, 1]),
    4,
  );

  const located: LocatedLevel[] = TARGET_LEVELS.map((level, l) => {
    const b = best[l]!;
    if (!found[l]) return levelNotFound(level, b.confidence);
    const z = zOf(b.point[1]);
    const sagittalPoint = bodyAtHeight(sagittalMaps, sagittalWindows, sw.columns, sw.rows, (sagittal.topZMm - z) / PROJECTION_PIXEL_MM);
    const y = sagittal.firstColumnMm + sagittalPoint[0] * PROJECTION_PIXEL_MM;
    return {
      level,
      found: true,
      confidence: b.confidence,
      centreMm: [xOf(b.point), y, z],
      coronalPoint: b.point,
      sagittalPoint,
      foundBySpacing: bySpacing[l]!,
      foundByAnatomy: false,
    };
  });
  return { levels: located, coronal, sagittal, midlineMm, orderProblem: levelOrderProblem(located) };
}

/** The sagittal heat map's strongest response within 4 rows (8 mm) of a height, refined like a peak. */
function bodyAtHeight(
  maps: Float32Array[],
  windows: { firstColumn: number; firstRow: number }[],
  columns: number,
  rows: number,
  row: number,
): [number, number] {
  let pick = { value: -Infinity, point: [0, row] as [number, number] };
  maps.forEach((m, w) => {
    const window = windows[w]!;
    const localRow = row - window.firstRow;
    if (localRow < 0 || localRow > rows - 1) return;
    const band = new Float32Array(columns * rows);
    for (let r = Math.max(0, Math.floor(localRow - 4)); r <= Math.min(rows - 1, Math.ceil(localRow + 4)); r++)
      band.set(m.subarray(r * columns, (r + 1) * columns), r * columns);
    const peak = heatmapPeaks(band, columns, rows, 1)[0]!;
    const value = band[Math.round(peak[1]) * columns + Math.round(peak[0])]!;
    if (value > pick.value) pick = { value, point: [peak[0] + window.firstColumn, peak[1] + window.firstRow] };
  });
  return pick.point;
}

/** T12 above L1 above L2, 15-60 mm apart centre to centre, or a description of what is wrong. */
export function levelOrderProblem(levels: readonly LocatedLevel[]): string | null {
  const found = levels.filter((l) => l.centreMm !== null);
  for (let i = 1; i < found.length; i++) {
    const upper = found[i - 1]!;
    const lower = found[i]!;
    const gap = upper.centreMm![2] - lower.centreMm![2];
    const steps = TARGET_LEVELS.indexOf(lower.level) - TARGET_LEVELS.indexOf(upper.level);
    if (gap < 15 * steps || gap > 60 * steps)
      return `${upper.level} and ${lower.level} are ${gap.toFixed(0)} mm apart (expected ${15 * steps}-${60 * steps} mm)`;
  }
  return null;
}
