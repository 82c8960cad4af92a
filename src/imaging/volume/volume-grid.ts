/** The index grid of a volume's voxels: offset = i + columns * (j + rows * k). */
export interface VolumeGrid {
  readonly size: readonly [number, number, number];
  readonly spacingMm: readonly [number, number, number];
}

/** The offsets of a voxel's six face neighbours that lie inside the grid. */
export function faceNeighbours(grid: VolumeGrid, offset: number, out: number[]): number[] {
  const [nx, ny, nz] = grid.size;
  const i = offset % nx;
  const j = Math.floor(offset / nx) % ny;
  const k = Math.floor(offset / (nx * ny));
  out.length = 0;
  if (i > 0) out.push(offset - 1);
  if (i < nx - 1) out.push(offset + 1);
  if (j > 0) out.push(offset - nx);
  if (j < ny - 1) out.push(offset + nx);
  if (k > 0) out.push(offset - nx * ny);
  if (k < nz - 1) out.push(offset + nx * ny);
  return out;
}
