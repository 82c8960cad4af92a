import type { Volume3D } from '../../core/volume3d.js';

/** Pixel size of the projections the localisation networks see, mm (both axes). */
export const PROJECTION_PIXEL_MM = 2;
/** Bone window for the projections: soft tissue to dense cortex, mapped to 0-1. */
export const PROJECTION_WINDOW_HU = { low: -200, high: 1300 } as const;
/** Half-width of the slab the sagittal projection takes around the spine's midline, mm (excludes ribs and rods). */
export const SAGITTAL_SLAB_HALF_MM = 14;

/**
 * A projection of the canonical volume on a 2 mm grid. Columns run along x (coronal: patient right
 * to left) or y (sagittal: anterior to posterior); row 0 is the most superior. Positions are in the
 * volume's index-mm frame (index times spacing), so they map straight back to voxels.
 */
export interface SpineProjection {
  data: Float32Array;
  columns: number;
  rows: number;
  /** Index-mm of column 0's centre along the column axis. */
  firstColumnMm: number;
  /** Index-mm (z) of row 0's centre; row r lies at topZMm - r * PROJECTION_PIXEL_MM. */
  topZMm: number;
}

/** Maximum over the anterior-posterior axis (the coronal MIP of seed 002), every column of the volume. */
export function coronalMip(volume: Volume3D): SpineProjection {
  const [nx, ny, nz] = volume.size;
  const native = new Float32Array(nx * nz);
  native.fill(Number.NEGATIVE_INFINITY);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const v = volume.data[row + i]!;
        if (v > native[k * nx + i]!) native[k * nx + i] = v;
      }
    }
  }
  return toProjectionGrid(native, nx, nz, volume.spacingMm[0], volume.spacingMm[2]);
}

/** Maximum over a left-right slab centred on xMm (index-mm): the spine seen from the side, without ribs. */
export function sagittalSlabMip(volume: Volume3D, xMm: number): SpineProjection {
  const [nx, ny, nz] = volume.size;
  const sx = volume.spacingMm[0];
  const i0 = Math.max(0, Math.floor((xMm - SAGITTAL_SLAB_HALF_MM) / sx));
  const i1 = Math.min(nx - 1, Math.ceil((xMm + SAGITTAL_SLAB_HALF_MM) / sx));
  const native = new Float32Array(ny * nz);
  native.fill(PROJECTION_WINDOW_HU.low);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      let best: number = PROJECTION_WINDOW_HU.low;
      for (let i = i0; i <= i1; i++) {
        const v = volume.data[row + i]!;
        if (v > best) best = v;
      }
      native[k * ny + j] = best;
    }
  }
  return toProjectionGrid(native, ny, nz, volume.spacingMm[1], volume.spacingMm[2]);
}

/** Native projection (columns fastest, k = 0 inferior) -> 2 mm grid, superior row first, windowed to 0-1. */
function toProjectionGrid(native: Float32Array, nativeColumns: number, slices: number, columnSpacingMm: number, sliceSpacingMm: number): SpineProjection {
  const p = PROJECTION_PIXEL_MM;
  const columns = Math.max(1, Math.floor(((nativeColumns - 1) * columnSpacingMm) / p) + 1);
  const rows = Math.max(1, Math.floor(((slices - 1) * sliceSpacingMm) / p) + 1);
  const topZMm = (slices - 1) * sliceSpacingMm;
  const data = new Float32Array(columns * rows);
  const { low, high } = PROJECTION_WINDOW_HU;
  for (let r = 0; r < rows; r++) {
    const kf = Math.min(slices - 1, (topZMm - r * p) / sliceSpacingMm);
    const k0 = Math.floor(kf);
    const k1 = Math.min(slices - 1, k0 + 1);
    const wk = kf - k0;
    for (let c = 0; c < columns; c++) {
      const cf = Math.min(nativeColumns - 1, (c * p) / columnSpacingMm);
      const c0 = Math.floor(cf);
      const c1 = Math.min(nativeColumns - 1, c0 + 1);
      const wc = cf - c0;
      const v =
        (1 - wk) * ((1 - wc) * native[k0 * nativeColumns + c0]! + wc * native[k0 * nativeColumns + c1]!) +
        wk * ((1 - wc) * native[k1 * nativeColumns + c0]! + wc * native[k1 * nativeColumns + c1]!);
      data[r * columns + c] = Math.min(1, Math.max(0, (v - low) / (high - low)));
    }
  }
  return { data, columns, rows, firstColumnMm: 0, topZMm };
}

/**
 * A fixed-size window of a projection for a network (zeros outside it): `columns` wide centred on
 * centreColumnMm, `rows` high starting at row `firstRow`. Returns the window and where it lies.
 */
export function projectionWindow(
  projection: SpineProjection,
  columns: number,
  rows: number,
  centreColumnMm: number,
  firstRow: number,
): { data: Float32Array; firstColumn: number; firstRow: number } {
  const firstColumn = Math.round((centreColumnMm - projection.firstColumnMm) / PROJECTION_PIXEL_MM - columns / 2);
  const data = new Float32Array(columns * rows);
  for (let r = 0; r < rows; r++) {
    const sr = firstRow + r;
    if (sr < 0 || sr >= projection.rows) continue;
    for (let c = 0; c < columns; c++) {
      const sc = firstColumn + c;
      if (sc < 0 || sc >= projection.columns) continue;
      data[r * columns + c] = projection.data[sr * projection.columns + sc]!;
    }
  }
  return { data, firstColumn, firstRow };
}

/** Where a projection window sits: centred on the projection across, rows centred vertically (both jittered when training). */
export function defaultWindowPlacement(p: SpineProjection, rows: number): { centreColumnMm: number; firstRow: number } {
  return { centreColumnMm: p.firstColumnMm + ((p.columns - 1) * PROJECTION_PIXEL_MM) / 2, firstRow: Math.round((p.rows - rows) / 2) };
}
