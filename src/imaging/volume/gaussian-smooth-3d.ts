import type { VolumeGrid } from './volume-grid.js';

/**
 * Separable Gaussian smoothing of a volume with one sigma in mm (converted per axis by the voxel
 * spacing), sampled kernels truncated at 3 sigma, edges clamped. Returns a new array.
 */
export function gaussianSmooth3D(grid: VolumeGrid, values: ArrayLike<number>, sigmaMm: number): Float32Array {
  const out = Float32Array.from(values as ArrayLike<number>);
  if (!(sigmaMm > 0)) return out;
  const [nx, ny, nz] = grid.size;
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const n = grid.size[axis]!;
    const kernel = gaussianKernel(sigmaMm / grid.spacingMm[axis]!);
    if (kernel.length === 1 || n === 1) continue;
    const stride = strides[axis]!;
    const line = new Float32Array(n);
    const radius = (kernel.length - 1) / 2;
    // Every line along this axis starts at an offset whose coordinate along the axis is 0.
    for (let start = 0; start < nx * ny * nz; start++) {
      const coordinate = axis === 0 ? start % nx : axis === 1 ? Math.floor(start / nx) % ny : Math.floor(start / (nx * ny));
      if (coordinate !== 0) continue;
      for (let t = 0; t < n; t++) line[t] = out[start + t * stride]!;
      for (let t = 0; t < n; t++) {
        let sum = 0;
        for (let r = -radius; r <= radius; r++) sum += kernel[r + radius]! * line[Math.min(n - 1, Math.max(0, t + r))]!;
        out[start + t * stride] = sum;
      }
    }
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
