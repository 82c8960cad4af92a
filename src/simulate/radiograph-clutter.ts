import type { SeededRandom } from '../core/seeded-random.js';
import type { RoomClutter } from './radiograph-room.js';

/** Signal left outside a collimated field: scatter from the exposed part only (a few per cent). */
const OUTSIDE_COLLIMATION_SIGNAL = 0.04;
/** Transmission of a lead letter at radiographic energies (2-3 mm of lead stops nearly everything). */
const LEAD_MARKER_TRANSMISSION = 0.02;
const MARKER_SIZE_MM: readonly [number, number] = [10, 14];

/** What the clutter left for the processing to finish: pixels an electronic shutter blanks afterwards. */
export interface ClutterRecord {
  collimated: { x0: number; y0: number; x1: number; y1: number } | null;
  shutter: RoomClutter['shutter'];
  markers: { x: number; y: number }[];
  gridLines: RoomClutter['gridLines'];
}

/**
 * Adds a room's clutter to the detector's signal in place: collimation to a rectangle around
 * everything the projection holds (margins drawn, cut by the field's edge), lead letters in the
 * open field clear of the anatomy, and anti-scatter grid lines. `occupied` marks pixels with
 * anatomy or phantom (the projection's mask bits), which collimation keeps and markers avoid.
 */
export function addRoomClutter(
  signal: Float32Array,
  o: { columns: number; rows: number; pixelSpacingMm: number; occupied: (p: number) => boolean; clutter: RoomClutter },
  random: SeededRandom,
): ClutterRecord {
  const { columns, rows, pixelSpacingMm, clutter } = o;
  const record: ClutterRecord = { collimated: null, shutter: clutter.shutter, markers: [], gridLines: clutter.gridLines };
  let x0 = columns;
  let y0 = rows;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++)
      if (o.occupied(y * columns + x)) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 >= 0 && random.nextFloat() < clutter.collimationChance) {
    const margin = (): number => Math.round((5 + 30 * random.nextFloat()) / pixelSpacingMm);
    const field = {
      x0: Math.max(0, x0 - margin()),
      y0: Math.max(0, y0 - margin()),
      x1: Math.min(columns - 1, x1 + margin()),
      y1: Math.min(rows - 1, y1 + margin()),
    };
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < columns; x++)
        if (x < field.x0 || x > field.x1 || y < field.y0 || y > field.y1) signal[y * columns + x] = signal[y * columns + x]! * OUTSIDE_COLLIMATION_SIGNAL;
    record.collimated = field;
  }
  const w = Math.round(MARKER_SIZE_MM[0] / pixelSpacingMm);
  const h = Math.round(MARKER_SIZE_MM[1] / pixelSpacingMm);
  const clearance = Math.round(5 / pixelSpacingMm);
  for (let k = 0; k < clutter.markers; k++) {
    for (let attempt = 0; attempt < 30; attempt++) {
      const mx = random.nextInt(Math.max(1, columns - w));
      const my = random.nextInt(Math.max(1, rows - h));
      if (!areaIsFree(o.occupied, columns, rows, mx - clearance, my - clearance, mx + w + clearance, my + h + clearance)) continue;
      // Radiographers put the letter inside the exposed field.
      const field = record.collimated;
      if (field !== null && (mx < field.x0 || my < field.y0 || mx + w > field.x1 || my + h > field.y1)) continue;
      drawLetterL(signal, columns, mx, my, w, h);
      record.markers.push({ x: mx, y: my });
      break;
    }
  }
  const grid = clutter.gridLines;
  if (grid !== null) {
    const cyclesPerPixel = pixelSpacingMm / grid.periodMm;
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < columns; x++) {
        const t = grid.along === 'columns' ? x : y;
        signal[y * columns + x] = signal[y * columns + x]! * (1 - grid.depth * 0.5 * (1 + Math.cos(2 * Math.PI * cyclesPerPixel * t)));
      }
  }
  return record;
}

/** Blanks the shuttered area of processed pixels (outside the collimated field) to white or black. */
export function applyShutter(
  pixels: Uint16Array,
  columns: number,
  record: ClutterRecord,
  o: { maxValue: number; photometric: 'MONOCHROME1' | 'MONOCHROME2' },
): void {
  const field = record.collimated;
  if (field === null || record.shutter === 'none') return;
  // White on the display: high values in MONOCHROME2, low in MONOCHROME1.
  const whiteValue = o.photometric === 'MONOCHROME2' ? o.maxValue : 0;
  const value = record.shutter === 'white' ? whiteValue : o.maxValue - whiteValue;
  const rows = pixels.length / columns;
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++) if (x < field.x0 || x > field.x1 || y < field.y0 || y > field.y1) pixels[y * columns + x] = value;
}

function areaIsFree(occupied: (p: number) => boolean, columns: number, rows: number, x0: number, y0: number, x1: number, y1: number): boolean {
  if (x0 < 0 || y0 < 0 || x1 >= columns || y1 >= rows) return false;
  for (let y = y0; y <= y1; y += 2) for (let x = x0; x <= x1; x += 2) if (occupied(y * columns + x)) return false;
  return true;
}

/** An 'L' of lead: a vertical bar and a foot, a fifth of the letter thick. */
function drawLetterL(signal: Float32Array, columns: number, x: number, y: number, w: number, h: number): void {
  const stroke = Math.max(1, Math.round(w / 5));
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const inBar = i < stroke;
      const inFoot = j >= h - stroke;
      if (inBar || inFoot) signal[(y + j) * columns + x + i] = signal[(y + j) * columns + x + i]! * LEAD_MARKER_TRANSMISSION;
    }
}
