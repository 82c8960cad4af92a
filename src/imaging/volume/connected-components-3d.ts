import type { VolumeGrid } from './volume-grid.js';
import { faceNeighbours } from './volume-grid.js';

export interface Components3D {
  /** Component number per voxel, 1-based; 0 outside the mask. */
  labels: Int32Array;
  /** Voxel count of component c at index c - 1. */
  sizes: number[];
}

/** Face-connected (6-neighbour) components of a binary volume, numbered in scan order. */
export function connectedComponents3D(grid: VolumeGrid, mask: Uint8Array): Components3D {
  const labels = new Int32Array(mask.length);
  const sizes: number[] = [];
  const stack: number[] = [];
  const neighbours: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    const label = sizes.length + 1;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      for (const q of faceNeighbours(grid, p, neighbours)) {
        if (mask[q] !== 0 && labels[q] === 0) {
          labels[q] = label;
          stack.push(q);
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/** The largest face-connected component of a mask, or undefined when the mask is empty. */
export function largestComponent3D(grid: VolumeGrid, mask: Uint8Array): Uint8Array | undefined {
  const parts = connectedComponents3D(grid, mask);
  if (parts.sizes.length === 0) return undefined;
  let best = 0;
  for (let c = 1; c < parts.sizes.length; c++) if (parts.sizes[c]! > parts.sizes[best]!) best = c;
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) out[p] = parts.labels[p] === best + 1 ? 1 : 0;
  return out;
}
