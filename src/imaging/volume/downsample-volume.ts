import type { Volume3D } from '../../core/volume3d.js';
import { createVolume3D, volumeIndexToPointMm } from '../../core/volume3d.js';

/**
 * Box-averages a volume by whole factors per axis (a partial block at the far edge is averaged over
 * what it holds); the new voxel (0, 0, 0) sits at the centre of the first block.
 */
export function downsampleVolume(
  volume: Volume3D,
  values: ArrayLike<number>,
  factors: readonly [number, number, number],
): { volume: Volume3D; values: Float32Array } {
  const [nx, ny, nz] = volume.size;
  const [fx, fy, fz] = factors;
  const size: [number, number, number] = [Math.ceil(nx / fx), Math.ceil(ny / fy), Math.ceil(nz / fz)];
  const sum = new Float64Array(size[0] * size[1] * size[2]);
  const count = new Uint16Array(sum.length);
  for (let k = 0; k < nz; k++) {
    const kk = Math.floor(k / fz);
    for (let j = 0; j < ny; j++) {
      const jj = Math.floor(j / fy);
      for (let i = 0; i < nx; i++) {
        const q = Math.floor(i / fx) + size[0] * (jj + size[1] * kk);
        sum[q]! += values[i + nx * (j + ny * k)]!;
        count[q]!++;
      }
    }
  }
  const out = new Float32Array(sum.length);
  for (let q = 0; q < out.length; q++) out[q] = sum[q]! / count[q]!;
  const origin = volumeIndexToPointMm(volume, (fx - 1) / 2, (fy - 1) / 2, (fz - 1) / 2);
  const spacing: [number, number, number] = [volume.spacingMm[0] * fx, volume.spacingMm[1] * fy, volume.spacingMm[2] * fz];
  return {
    volume: createVolume3D({ data: out, size, spacingMm: spacing, originMm: origin, direction: volume.direction, unit: volume.unit }),
    values: out,
  };
}
