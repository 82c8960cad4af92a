import type { Volume3D } from '../../../core/volume3d.js';

/** Label colours of the overview (RGB): other bone, femur, proximal femur. */
const COLOURS: Record<number, [number, number, number]> = {
  1: [70, 110, 230],
  2: [60, 200, 90],
  3: [60, 200, 90],
  4: [240, 160, 40],
  5: [240, 160, 40],
};
const OVERVIEW_MIN_COLUMNS = 400;
/** PF over femur over other bone where several lie along a ray. */
const PRIORITY: Record<number, number> = { 0: 0, 1: 1, 2: 2, 3: 2, 4: 3, 5: 3 };

/**
 * An AP overview of a hip segmentation: the maximum HU along each anterior-posterior ray as grey
 * (bone window), tinted by the highest-priority label along it; superior at the top, the patient's
 * right on the left as a radiograph is hung; rows resampled so pixels are square. The volume is
 * canonical (+i left, +j posterior, +k superior).
 */
export function hipCtOverview(volume: Volume3D, labels: Uint8Array): { rgb: Uint8Array; columns: number; rows: number } {
  const [nx, ny, nz] = volume.size;
  const [sx, , sz] = volume.spacingMm;
  // Small volumes are enlarged (whole pixels) to at least OVERVIEW_MIN_COLUMNS.
  const zoom = Math.max(1, Math.round(OVERVIEW_MIN_COLUMNS / nx));
  const columns = nx * zoom;
  const rowsPerSlice = (sz / sx) * zoom;
  const rows = Math.max(1, Math.round(nz * rowsPerSlice));
  const rgb = new Uint8Array(columns * rows * 3);
  for (let row = 0; row < rows; row++) {
    const k = Math.min(nz - 1, Math.max(0, nz - 1 - Math.floor(row / rowsPerSlice)));
    for (let column = 0; column < columns; column++) {
      const i = Math.floor(column / zoom);
      let hu = -Infinity;
      let label = 0;
      for (let j = 0; j < ny; j++) {
        const p = i + nx * (j + ny * k);
        hu = Math.max(hu, Number(volume.data[p]));
        if (PRIORITY[labels[p]!]! > PRIORITY[label]!) label = labels[p]!;
      }
      // Window 0-1500 HU: soft tissue dark, cortex bright.
      const grey = Math.min(255, Math.max(0, (hu / 1500) * 255));
      const tint = COLOURS[label];
      const o = (row * columns + column) * 3;
      for (let c = 0; c < 3; c++) rgb[o + c] = tint === undefined ? grey : Math.round(0.55 * grey + 0.45 * tint[c]!);
    }
  }
  return { rgb, columns, rows };
}
