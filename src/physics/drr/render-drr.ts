import type { Point3 } from '../../core/geometry.js';
import type { DrrRays } from './drr-geometry.js';
import type { DrrVolume } from './drr-volume.js';
import { siddonRaySumInto } from './siddon-ray-sum.js';

/** The next rows a thread is to cast, [first, end), or undefined when none are left. */
export type NextDetectorRows = () => readonly [number, number] | undefined;

/**
 * The DRR: for each detector pixel, the exact line integral (mm x the voxel values) from the source
 * to the pixel's centre. Row-major, rows x columns.
 */
export function renderDrr(o: { volume: DrrVolume; rays: DrrRays }): Float32Array {
  const out = new Float32Array(o.rays.rows * o.rays.columns);
  const everyRow: (readonly [number, number])[] = [[0, o.rays.rows]];
  renderDrrRows({ ...o, out, nextRows: () => everyRow.pop() });
  return out;
}

/**
 * Casts detector rows into `out` (the whole detector, rows x columns) as `nextRows` hands them out,
 * until it has none left: threads sharing one detector take rows as they are free, so a thread that
 * starts late or runs slower (its compiler not yet warm) takes fewer.
 */
export function renderDrrRows(o: { volume: DrrVolume; rays: DrrRays; out: Float32Array; nextRows: NextDetectorRows }): void {
  const { rays, volume, out } = o;
  const source = rays.sourceMm;
  const sourceInGrid = volume.toGridFrame(source);
  // The map to the grid frame is affine: pixels step through it as through the patient frame.
  const origin = volume.toGridFrame([0, 0, 0]);
  const linear = (v: readonly [number, number, number]): Point3 => {
    const g = volume.toGridFrame([v[0], v[1], v[2]]);
    return [g[0] - origin[0], g[1] - origin[1], g[2] - origin[2]];
  };
  const firstInGrid = volume.toGridFrame(rays.firstPixelMm);
  const rowStepInGrid = linear(rays.rowStepMm);
  const columnStepInGrid = linear(rays.columnStepMm);
  const pixel: Point3 = [0, 0, 0];
  for (let band = o.nextRows(); band !== undefined; band = o.nextRows()) {
    for (let r = band[0]; r < band[1]; r++) castRow(r);
  }

  function castRow(r: number): void {
    for (let c = 0; c < rays.columns; c++) {
      pixel[0] = firstInGrid[0] + r * rowStepInGrid[0] + c * columnStepInGrid[0];
      pixel[1] = firstInGrid[1] + r * rowStepInGrid[1] + c * columnStepInGrid[1];
      pixel[2] = firstInGrid[2] + r * rowStepInGrid[2] + c * columnStepInGrid[2];
      siddonRaySumInto(volume.grid, sourceInGrid, pixel, out, r * rays.columns + c);
    }
  }
}
