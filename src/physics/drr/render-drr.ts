import type { Point3 } from '../../core/geometry.js';
import type { DrrRays } from './drr-geometry.js';
import type { DrrVolume } from './drr-volume.js';
import { siddonRaySum } from './siddon-ray-sum.js';

/**
 * The DRR: for each detector pixel, the exact line integral (mm x the voxel values) from the source
 * to the pixel's centre. Rows `firstRow` to `endRow` (exclusive) only when given, so workers can
 * share one detector. Row-major, rows x columns.
 */
export function renderDrr(o: { volume: DrrVolume; rays: DrrRays; firstRow?: number; endRow?: number }): Float32Array {
  const { rays, volume } = o;
  const firstRow = o.firstRow ?? 0;
  const endRow = o.endRow ?? rays.rows;
  const out = new Float32Array((endRow - firstRow) * rays.columns);
  const source = rays.sourceMm;
  const sourceInGrid = volume.toGridFrame(source);
  // The map to the grid frame is affine: pixels step through it as through the patient frame.
  const origin = volume.toGridFrame([0, 0, 0]);
  const linear = (v: readonly [number, number, number]): Point3 => {
    const g = volume.toGridFrame([v[0], v[1], v[2]]);
    return [g[0] - origin[0], g[1] - origin[1], g[2] - origin[2]];
  };
  const firstInGrid = volume.toGridFrame(rays.firstPixelMm);
  const rowStep = linear(rays.rowStepMm);
  const columnStep = linear(rays.columnStepMm);
  const pixel: Point3 = [0, 0, 0];
  for (let r = firstRow; r < endRow; r++) {
    for (let c = 0; c < rays.columns; c++) {
      const wx = rays.firstPixelMm[0] + r * rays.rowStepMm[0] + c * rays.columnStepMm[0] - source[0];
      const wy = rays.firstPixelMm[1] + r * rays.rowStepMm[1] + c * rays.columnStepMm[1] - source[1];
      const wz = rays.firstPixelMm[2] + r * rays.rowStepMm[2] + c * rays.columnStepMm[2] - source[2];
      pixel[0] = firstInGrid[0] + r * rowStep[0] + c * columnStep[0];
      pixel[1] = firstInGrid[1] + r * rowStep[1] + c * columnStep[1];
      pixel[2] = firstInGrid[2] + r * rowStep[2] + c * columnStep[2];
      out[(r - firstRow) * rays.columns + c] = siddonRaySum(volume.grid, sourceInGrid, pixel, Math.sqrt(wx * wx + wy * wy + wz * wz));
    }
  }
  return out;
}
