import type { Volume3D } from '../../src/core/volume3d.js';

/** Box erosion of a mask by radiusMm along each axis (separable minimum filters). */
export function erodeMask(mask: Uint8Array, v: Volume3D, radiusMm: number): Uint8Array {
  const [nx, ny] = v.size;
  const strides = [1, nx, nx * ny];
  let current = mask;
  for (let axis = 0; axis < 3; axis++) {
    const r = Math.max(1, Math.round(radiusMm / v.spacingMm[axis]!));
    const n = v.size[axis]!;
    const next = new Uint8Array(current.length);
    for (let p = 0; p < current.length; p++) {
      if (current[p] === 0) continue;
      const index = Math.floor(p / strides[axis]!) % n;
      let keep = index - r >= 0 && index + r < n;
      for (let d = -r; keep && d <= r; d++) if (current[p + d * strides[axis]!] === 0) keep = false;
      next[p] = keep ? 1 : 0;
    }
    current = next;
  }
  return current;
}
