import type { Point3 } from '../../core/geometry.js';
import type { DrrRays } from './drr-geometry.js';
import type { DrrVolume } from './drr-volume.js';
import { siddonRaySum } from './siddon-ray-sum.js';

/** Detector rows firstRow, firstRow + rowStep, ... (below rows): one thread's share of a detector. */
export interface DetectorRowSet {
  firstRow: number;
  rowStep: number;
}

/** How many rows a row set holds on a detector of `rows` rows. */
export function rowSetCount(set: DetectorRowSet, rows: number): number {
  return set.firstRow >= rows ? 0 : Math.ceil((rows - set.firstRow) / set.rowStep);
}

/**
 * The DRR: for each detector pixel, the exact line integral (mm x the voxel values) from the source
 * to the pixel's centre. Only the rows of `rowSet` when given (in their order, packed), so threads
 * can share one detector with interleaved rows (an even share of the work wherever the body lies).
 * Row-major, rows x columns.
 */
export function renderDrr(o: { volume: DrrVolume; rays: DrrRays; rowSet?: DetectorRowSet }): Float32Array {
  const { rays, volume } = o;
  const { firstRow, rowStep } = o.rowSet ?? { firstRow: 0, rowStep: 1 };
  const out = new Float32Array(rowSetCount({ firstRow, rowStep }, rays.rows) * rays.columns);
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
  for (let r = firstRow, packed = 0; r < rays.rows; r += rowStep, packed++) {
    for (let c = 0; c < rays.columns; c++) {
      const wx = rays.firstPixelMm[0] + r * rays.rowStepMm[0] + c * rays.columnStepMm[0] - source[0];
      const wy = rays.firstPixelMm[1] + r * rays.rowStepMm[1] + c * rays.columnStepMm[1] - source[1];
      const wz = rays.firstPixelMm[2] + r * rays.rowStepMm[2] + c * rays.columnStepMm[2] - source[2];
      pixel[0] = firstInGrid[0] + r * rowStepInGrid[0] + c * columnStepInGrid[0];
      pixel[1] = firstInGrid[1] + r * rowStepInGrid[1] + c * columnStepInGrid[1];
      pixel[2] = firstInGrid[2] + r * rowStepInGrid[2] + c * columnStepInGrid[2];
      out[packed * rays.columns + c] = siddonRaySum(volume.grid, sourceInGrid, pixel, Math.sqrt(wx * wx + wy * wy + wz * wz));
    }
  }
  return out;
}
