import type { VolumeGrid } from './volume-grid.js';
import { forEachLine } from './volume-grid.js';

/**
 * Separable Gaussian smoothing of a volume with one sigma in mm (converted per axis by the voxel
 * spacing), sampled kernels truncated at 3 sigma, edges clamped. Returns a new array.
 */
export function gaussianSmooth3D(grid: VolumeGrid, values: ArrayLike<number>, sigmaMm: number): Float32Array {
  const out = Float32Array.from(values as ArrayLike<number>);
  if (!(sigmaMm > 0)) return out;
  for (const axis of [0, 1, 2] as const) {
    const n = grid.size[axis];
    const kernel = gaussianKernel(sigmaMm / grid.spacingMm[axis]);
    if (kernel.length === 1 || n === 1) continue;
    const line = new Float32Array(n);
    const radius = (kernel.length - 1) / 2;
    forEachLine(grid, axis, (start, stride) => {
      for (let t = 0; t < n; t++) line[t] = out[start + t * stride]!;
      for (let t = 0; t < n; t++) {
        let sum = 0;
        for (let r = -radius; r <= radius; r++) sum += kernel[r + radius]! * line[Math.min(n - 1, Math.max(0, t + r))]!;
        out[start + t * stride] = sum;
      }
    });
  }
  return out;
}

function gaussianKernel(sigmaVoxels: number): Float32Array {
  if (sigmaVoxels < 0.2) return Float32Array.of(1);
  // Truncated at 3 sigma, rounded as SciPy rounds it (radius = floor(3 sigma + 0.5)).
  const radius = Math.max(1, Math.floor(3 * sigmaVoxels + 0.5));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let r = -radius; r <= radius; r++) {
    kernel[r + radius] = Math.exp((-r * r) / (2 * sigmaVoxels * sigmaVoxels));
    sum += kernel[r + radius]!;
  }
  for (let r = 0; r < kernel.length; r++) kernel[r]! /= sum;
  return kernel;
}
