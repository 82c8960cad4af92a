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

/** Calls back once per line of voxels along `axis` with its first offset, the stride along it and its length. */
export function forEachLine(grid: VolumeGrid, axis: 0 | 1 | 2, visit: (start: number, stride: number, length: number) => void): void {
  const [nx, ny, nz] = grid.size;
  const slice = nx * ny;
  if (axis === 0) for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) visit(nx * (j + ny * k), 1, nx);
  else if (axis === 1) for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) visit(i + slice * k, nx, ny);
  else for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) visit(i + nx * j, slice, nz);
}

/** Index bounds [lo, hi] (inclusive, per axis) of the voxels `inside` admits; undefined when none. */
export function voxelBounds(grid: VolumeGrid, inside: (offset: number) => boolean): { lo: [number, number, number]; hi: [number, number, number] } | undefined {
  const [nx, ny, nz] = grid.size;
  const lo: [number, number, number] = [nx, ny, nz];
  const hi: [number, number, number] = [-1, -1, -1];
  let p = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        if (!inside(p)) continue;
        if (i < lo[0]) lo[0] = i;
        if (i > hi[0]) hi[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
  return hi[0] < 0 ? undefined : { lo, hi };
}
