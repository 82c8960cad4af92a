import type { VolumeGrid } from './volume-grid.js';

/**
 * Fills, in every axial slice, the background regions that do not reach the slice's border
 * (4-connected background): a bone's marrow inside a closed cortex. Returns a new mask.
 */
export function fillSliceHoles(grid: VolumeGrid, mask: Uint8Array): Uint8Array {
  const [nx, ny, nz] = grid.size;
  const out = Uint8Array.from(mask);
  const outside = new Uint8Array(nx * ny);
  const stack: number[] = [];
  for (let k = 0; k < nz; k++) {
    const base = k * nx * ny;
    outside.fill(0);
    const seed = (p: number): void => {
      if (mask[base + p] === 0 && outside[p] === 0) {
        outside[p] = 1;
        stack.push(p);
      }
    };
    for (let i = 0; i < nx; i++) {
      seed(i);
      seed(i + nx * (ny - 1));
    }
    for (let j = 0; j < ny; j++) {
      seed(nx * j);
      seed(nx - 1 + nx * j);
    }
    while (stack.length > 0) {
      const p = stack.pop()!;
      const i = p % nx;
      const j = (p - i) / nx;
      if (i > 0) seed(p - 1);
      if (i < nx - 1) seed(p + 1);
      if (j > 0) seed(p - nx);
      if (j < ny - 1) seed(p + nx);
    }
    for (let p = 0; p < nx * ny; p++) if (outside[p] === 0) out[base + p] = 1;
  }
  return out;
}
