import type { Volume3D } from '../../core/volume3d.js';
import type { SpineColumnTrack } from './spine-column-track.js';

/**
 * The vertebral bodies along the column, read in a thin sagittal slab that follows it: per slice,
 * the bodies' anterior wall and the mean HU of a band behind it. Bodies (cortex, endplates and
 * cancellous bone) read higher than the discs between them (80-120 HU), so the discs are the
 * profile's minima, at any bone density: the band takes in the anterior cortex and the endplates.
 */
export interface VertebralBodyProfile {
  /** Per slice: y of the bodies' anterior wall (smoothed; interpolated across discs). */
  anteriorMm: Float64Array;
  /** Per slice: mean HU of the band [anterior, anterior + BAND_DEPTH_MM] in the slab (clamped per voxel to -100..1000). */
  bandHu: Float64Array;
  /** Per slice: the bodies' depth along y where the canal behind them was seen (NaN where not). */
  depthMm: Float64Array;
  /**
   * Per slice: the brightest HU of each lateral wall, 10-35 mm either side of the column's centre
   * at the band's middle depth (+-3 mm), the two sides averaged. A body's cortical shell lights it
   * up at any bone density; a disc's annulus (80-120 HU) does not, while the dark middle of an
   * osteoporotic body, which the band alone takes for a disc, keeps its walls.
   */
  rimHu: Float64Array;
}

/** The lateral walls are looked for this far either side of the column's centre, mm (lumbar bodies are 40-50 mm wide, thoracic 30-40). */
const RIM_SEARCH_MM: readonly [number, number] = [10, 35];

/** Half-width of the slab around the column's centre, mm (within the body's 40-50 mm width, clear of the pedicles). */
const SLAB_HALF_MM = 6;
/** Depth of the band behind the anterior wall, mm (about two thirds of a lumbar body's 30-35 mm, Panjabi 1992, so clear of the canal). */
export const BAND_DEPTH_MM = 22;
/** A wall: bone over at least this length behind it, mm. */
const WALL_RUN_MM = 10;
/** The canal: fluid and fat (< 100 HU) over at least this length behind the body, mm (the lumbar canal is 15-20 mm deep). */
const CANAL_RUN_MM = 6;

export function vertebralBodyProfile(volume: Volume3D, track: SpineColumnTrack): VertebralBodyProfile {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const depthMm = new Float64Array(nz).fill(Number.NaN);
  const slabs: Float64Array[] = [];
  const half = Math.max(1, Math.round(SLAB_HALF_MM / sx));
  for (let k = 0; k < nz; k++) {
    const ci = Math.round(track.xMm[k]! / sx);
    const slab = new Float64Array(ny);
    for (let j = 0; j < ny; j++) {
      let sum = 0;
      let n = 0;
      for (let i = Math.max(0, ci - half); i <= Math.min(nx - 1, ci + half); i++) {
        sum += Math.min(1000, Math.max(-100, volume.data[i + nx * (j + ny * k)]!));
        n++;
      }
      slab[j] = n > 0 ? sum / n : -100;
    }
    slabs.push(slab);
  }
  const anteriorMm = anteriorWall(slabs, track, volume.spacingMm);
  const bandHu = new Float64Array(nz).fill(Number.NaN);
  const canalRun = Math.max(1, Math.round(CANAL_RUN_MM / sy));
  for (let k = 0; k < nz; k++) {
    const a = anteriorMm[k]!;
    if (Number.isNaN(a)) continue;
    const s = slabs[k]!;
    const ja = Math.round(a / sy);
    // Across the column, not across the slice: along the normal to the wall's local direction, so a
    // tilted disc (L5-S1 lies 30-40 degrees from axial) is crossed at its thinnest.
    const m = Math.max(1, Math.round(6 / sz));
    const upper = anteriorMm[Math.min(nz - 1, k + m)]!;
    const lower = anteriorMm[Math.max(0, k - m)]!;
    const slope = (upper - lower) / ((Math.min(nz - 1, k + m) - Math.max(0, k - m)) * sz);
    const norm = Math.hypot(1, slope);
    let sum = 0;
    let n = 0;
    for (let t = 0; t < BAND_DEPTH_MM; t += sy) {
      const v = slabValue(slabs, (a + t / norm) / sy, (k * sz - (t * slope) / norm) / sz);
      if (Number.isNaN(v)) continue;
      sum += v;
      n++;
    }
    bandHu[k] = n > 0 ? sum / n : Number.NaN;
    // The posterior wall: the first run of canal contents at least 20 mm behind the anterior wall.
    for (let j = ja + Math.round(20 / sy); j < Math.min(ny - canalRun, ja + Math.round(50 / sy)); j++) {
      let low = true;
      for (let d = 0; d < canalRun && low; d++) low = s[j + d]! < 100;
      if (low) {
        depthMm[k] = (j - ja) * sy;
        break;
      }
    }
  }
  return { anteriorMm, bandHu, depthMm, rimHu: lateralWallProfile(volume, track, anteriorMm) };
}

function lateralWallProfile(volume: Volume3D, track: SpineColumnTrack, anteriorMm: Float64Array): Float64Array {
  const [nx, ny, nz] = volume.size;
  const [sx, sy] = volume.spacingMm;
  const out = new Float64Array(nz).fill(Number.NaN);
  const halfDepth = Math.max(0, Math.round(3 / sy));
  for (let k = 0; k < nz; k++) {
    const a = anteriorMm[k]!;
    if (Number.isNaN(a)) continue;
    const jc = Math.round((a + BAND_DEPTH_MM / 2) / sy);
    const ci = track.xMm[k]! / sx;
    let sum = 0;
    for (const side of [-1, 1]) {
      let best = -1000;
      for (let d = Math.round(RIM_SEARCH_MM[0] / sx); d <= Math.round(RIM_SEARCH_MM[1] / sx); d++) {
        const i = Math.round(ci + side * d);
        if (i < 0 || i >= nx) continue;
        // Mean over the depth window, so a single bright voxel of a vessel wall does not count as a wall.
        let m = 0;
        let n = 0;
        for (let j = Math.max(0, jc - halfDepth); j <= Math.min(ny - 1, jc + halfDepth); j++) {
          m += Math.min(1000, Math.max(-100, volume.data[i + nx * (j + ny * k)]!));
          n++;
        }
        if (n > 0 && m / n > best) best = m / n;
      }
      sum += best;
    }
    out[k] = sum / 2;
  }
  return out;
}

/**
 * The anterior wall as one smooth curve through the slab (a Viterbi path): at each slice the edge
 * from soft tissue in front to bone behind, its position moving at most one voxel per slice-
 * spacing's worth of mm, so a disc (no bone) or a calcified aorta in one slice does not move it.
 */
function anteriorWall(slabs: readonly Float64Array[], track: SpineColumnTrack, spacingMm: readonly [number, number, number]): Float64Array {
  const [, sy, sz] = spacingMm;
  const nz = slabs.length;
  const out = new Float64Array(nz).fill(Number.NaN);
  if (nz === 0) return out;
  const ny = slabs[0]!.length;
  const behind = Math.max(1, Math.round(WALL_RUN_MM / sy));
  const front = Math.max(1, Math.round(8 / sy));
  const step = Math.max(1, Math.round(sz / sy));
  // Edge strength per (slice, row): mean behind minus mean in front, rows within 60 mm in front of the column's centre.
  const lo = new Int32Array(nz);
  const strength: Float64Array[] = [];
  for (let k = 0; k < nz; k++) {
    const s = slabs[k]!;
    const yc = Math.round(track.yMm[k]! / sy);
    lo[k] = Math.max(front, yc - Math.round(60 / sy));
    const row = new Float64Array(ny).fill(-1e9);
    for (let j = lo[k]!; j <= Math.min(ny - behind, yc); j++) {
      let b = 0;
      for (let d = 0; d < behind; d++) b += s[j + d]!;
      let f = 0;
      for (let d = 1; d <= front; d++) f += s[j - d]!;
      row[j] = Math.min(400, b / behind - f / front);
    }
    strength.push(row);
  }
  const score = strength.map((r) => Float64Array.from(r));
  const from = strength.map(() => new Int32Array(ny));
  for (let k = 1; k < nz; k++) {
    const prev = score[k - 1]!;
    for (let j = 0; j < ny; j++) {
      let best = -Infinity;
      let arg = j;
      for (let d = -step; d <= step; d++) {
        const v = prev[j + d];
        if (v !== undefined && v > best) {
          best = v;
          arg = j + d;
        }
      }
      score[k]![j] = strength[k]![j]! + best;
      from[k]![j] = arg;
    }
  }
  let j = 0;
  score[nz - 1]!.forEach((v, q) => {
    if (v > score[nz - 1]![j]!) j = q;
  });
  for (let k = nz - 1; k >= 0; k--) {
    out[k] = j * sy;
    j = from[k]![j]!;
  }
  return out;
}

/** Bilinear value of the slab image at fractional (row j, slice k); NaN outside. */
function slabValue(slabs: readonly Float64Array[], j: number, k: number): number {
  const k0 = Math.floor(k);
  const j0 = Math.floor(j);
  const a = slabs[k0];
  const b = slabs[k0 + 1] ?? a;
  if (a === undefined || b === undefined || j0 < 0 || j0 + 1 >= a.length) return Number.NaN;
  const wk = k - k0;
  const wj = j - j0;
  return (1 - wk) * ((1 - wj) * a[j0]! + wj * a[j0 + 1]!) + wk * ((1 - wj) * b[j0]! + wj * b[j0 + 1]!);
}
