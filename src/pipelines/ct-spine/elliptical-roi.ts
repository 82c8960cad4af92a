import type { Volume3D } from '../../core/volume3d.js';
import type { VoxelRegion } from './segment-cancellous.js';

/** Half-height of the central slab the ROI spans, mm (the mid-vertebral slices QCT reads). */
export const ROI_HALF_HEIGHT_MM = 6;
/** Cortical erosion: the ROI's edge keeps this far inside the cortex's inner edge, mm. */
export const CORTICAL_EROSION_MM = 2.5;
const RAYS = 32;
const MAX_RADIUS_MM = 35;
const STEP_MM = 0.5;

export interface EllipticalRoi {
  region: VoxelRegion;
  /** Index-mm centre (x, y) and semi-axes (mm) with the major axis's angle from +x (radians). */
  centreMm: [number, number];
  semiAxesMm: [number, number];
  angleRad: number;
  /** Slices k0..k1 it spans. */
  sliceRange: [number, number];
  /** Rays that found the cortex, of 32. */
  raysFound: number;
}

/**
 * The model-free second method (Comp2Comp-style): on the mean of the mid-vertebral slices, rays from
 * the body's centre find the cortex (the first rise above halfway between the cancellous level and
 * the ray's maximum); the inner edge less the erosion is fitted by an ellipse of the same second
 * moments, and every voxel inside it in those slices is the ROI. Null when fewer than 16 rays
 * find a cortex (no body there).
 */
export function ellipticalRoi(volume: Volume3D, centreMm: readonly [number, number, number]): EllipticalRoi | null {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const kc = Math.round(centreMm[2] / sz);
  const half = Math.floor(ROI_HALF_HEIGHT_MM / sz);
  const k0 = Math.max(0, kc - half);
  const k1 = Math.min(nz - 1, kc + half);
  if (k0 > k1) return null;
  // Mean of the slab's slices (less noise for finding the cortex), cached per column.
  const mean = (i: number, j: number): number => {
    if (i < 0 || j < 0 || i >= nx || j >= ny) return -1000;
    let s = 0;
    for (let k = k0; k <= k1; k++) s += volume.data[i + nx * (j + ny * k)]!;
    return s / (k1 - k0 + 1);
  };
  const cache = new Map<number, number>();
  const meanAt = (i: number, j: number): number => {
    const key = i * 65536 + j;
    let v = cache.get(key);
    if (v === undefined) {
      v = mean(i, j);
      cache.set(key, v);
    }
    return v;
  };
  const bilinear = (xMm: number, yMm: number): number => {
    const fi = xMm / sx;
    const fj = yMm / sy;
    const i0 = Math.floor(fi);
    const j0 = Math.floor(fj);
    const wi = fi - i0;
    const wj = fj - j0;
    return (1 - wj) * ((1 - wi) * meanAt(i0, j0) + wi * meanAt(i0 + 1, j0)) + wj * ((1 - wi) * meanAt(i0, j0 + 1) + wi * meanAt(i0 + 1, j0 + 1));
  };
  const core: number[] = [];
  for (let dy = -4; dy <= 4; dy += 2) for (let dx = -4; dx <= 4; dx += 2) core.push(bilinear(centreMm[0] + dx, centreMm[1] + dy));
  core.sort((a, b) => a - b);
  const cancellousHu = core[Math.floor(core.length / 2)]!;
  const edge: [number, number][] = [];
  for (let r = 0; r < RAYS; r++) {
    const theta = (2 * Math.PI * r) / RAYS;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const profile: number[] = [];
    for (let d = 0; d <= MAX_RADIUS_MM; d += STEP_MM) profile.push(bilinear(centreMm[0] + d * c, centreMm[1] + d * s));
    const peak = Math.max(...profile);
    if (peak < cancellousHu + 100) continue;
    const threshold = cancellousHu + 0.5 * (peak - cancellousHu);
    const hit = profile.findIndex((v) => v >= threshold);
    const inner = hit * STEP_MM - CORTICAL_EROSION_MM;
    if (hit < 0 || inner < 2) continue;
    edge.push([centreMm[0] + inner * c, centreMm[1] + inner * s]);
  }
  if (edge.length < RAYS / 2) return null;
  // Points spread evenly in angle over an ellipse have covariance (a^2/2, b^2/2) along its axes.
  const mx = edge.reduce((a, p) => a + p[0], 0) / edge.length;
  const my = edge.reduce((a, p) => a + p[1], 0) / edge.length;
  let cxx = 0;
  let cyy = 0;
  let cxy = 0;
  for (const [x, y] of edge) {
    cxx += (x - mx) ** 2;
    cyy += (y - my) ** 2;
    cxy += (x - mx) * (y - my);
  }
  cxx /= edge.length;
  cyy /= edge.length;
  cxy /= edge.length;
  const trace = cxx + cyy;
  const det = cxx * cyy - cxy * cxy;
  const root = Math.sqrt(Math.max(0, (trace * trace) / 4 - det));
  const l1 = trace / 2 + root;
  const l2 = Math.max(0, trace / 2 - root);
  const angleRad = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
  const a = Math.sqrt(2 * l1);
  const b = Math.sqrt(2 * l2);
  if (!(b > 1)) return null;
  const cosA = Math.cos(angleRad);
  const sinA = Math.sin(angleRad);
  const offsets: number[] = [];
  const i0 = Math.max(0, Math.floor((mx - a) / sx));
  const i1 = Math.min(nx - 1, Math.ceil((mx + a) / sx));
  const j0 = Math.max(0, Math.floor((my - a) / sy));
  const j1 = Math.min(ny - 1, Math.ceil((my + a) / sy));
  for (let k = k0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const dx = i * sx - mx;
        const dy = j * sy - my;
        const u = (dx * cosA + dy * sinA) / a;
        const v = (-dx * sinA + dy * cosA) / b;
        if (u * u + v * v <= 1) offsets.push(i + nx * (j + ny * k));
      }
    }
  }
  return { region: { offsets: Int32Array.from(offsets) }, centreMm: [mx, my], semiAxesMm: [a, b], angleRad, sliceRange: [k0, k1], raysFound: edge.length };
}
