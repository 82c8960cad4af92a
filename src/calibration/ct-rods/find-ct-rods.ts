import type { Volume3D } from '../../core/volume3d.js';
import { leastSquaresLine } from '../../stats/least-squares-line.js';
import type { CtRodPhantom } from './ct-rod-phantom.js';

export interface MeasuredRod {
  mgPerCm3: number;
  /** Index-mm centre (x, y) of the canonical volume. */
  centreMm: [number, number];
  meanHu: number;
  /** True when the rod showed contrast and was found; false when its place was inferred from the row's pitch. */
  detected: boolean;
}

export interface RodCalibration {
  rods: MeasuredRod[];
  /** HU = interceptHu + slopeHuPerMg * mg/cm3, least squares over the rods. */
  slopeHuPerMg: number;
  interceptHu: number;
  r: number;
  material: CtRodPhantom['material'];
  sliceRange: [number, number];
}

export type RodSearch = { ok: true; calibration: RodCalibration } | { ok: false; problem: string };

/** A calibration that does not fit this well (Pearson r over the rods) is refused. */
export const MIN_ROD_FIT_R = 0.995;
const MIN_CONTRAST_HU = 20;
const MAX_UNIFORMITY_SD_HU = 30;

/** Mean over slices k0..k1 of the volume, one in-plane image (noise falls with the slab; rods do not change along z). */
function slabMean(volume: Volume3D, k0: number, k1: number): Float64Array {
  const [nx, ny] = volume.size;
  const out = new Float64Array(nx * ny);
  for (let k = k0; k <= k1; k++) {
    const base = nx * ny * k;
    for (let p = 0; p < nx * ny; p++) out[p] = out[p]! + volume.data[base + p]!;
  }
  const n = k1 - k0 + 1;
  for (let p = 0; p < out.length; p++) out[p] = out[p]! / n;
  return out;
}

/** Summed-area tables of values and squares, for box means and SDs in constant time. */
function integralImages(image: Float64Array, nx: number, ny: number): { sum: Float64Array; squares: Float64Array } {
  const sum = new Float64Array((nx + 1) * (ny + 1));
  const squares = new Float64Array((nx + 1) * (ny + 1));
  for (let j = 0; j < ny; j++) {
    let row = 0;
    let rowSq = 0;
    for (let i = 0; i < nx; i++) {
      const v = image[j * nx + i]!;
      row += v;
      rowSq += v * v;
      sum[(j + 1) * (nx + 1) + i + 1] = sum[j * (nx + 1) + i + 1]! + row;
      squares[(j + 1) * (nx + 1) + i + 1] = squares[j * (nx + 1) + i + 1]! + rowSq;
    }
  }
  return { sum, squares };
}

/**
 * Finds the rods of a CT calibration phantom in the field (DESIGN.md "ct-rods") and fits HU against
 * their concentration. Rods run along the table, so the search works on the mean of the slab's
 * slices: a rod is a uniform disc of the described diameter, brighter than a uniform surround (the
 * phantom's water-equivalent body). The detected rods lie in one row at a common pitch; rods too
 * faint to detect (0 mg/cm3 in water) are placed on the row by that pitch. Concentrations go to the
 * rods in HU order, so the phantom's orientation on the table does not matter.
 */
export function findCtRods(volume: Volume3D, phantom: CtRodPhantom, sliceRange: [number, number]): RodSearch {
  const [nx, ny] = volume.size;
  const [sx, sy] = volume.spacingMm;
  const pixelMm = (sx + sy) / 2;
  const image = slabMean(volume, sliceRange[0], sliceRange[1]);
  const { sum, squares } = integralImages(image, nx, ny);
  const box = (i0: number, j0: number, i1: number, j1: number): { n: number; s: number; q: number } => {
    const a = Math.max(0, i0);
    const b = Math.max(0, j0);
    const c = Math.min(nx, i1 + 1);
    const d = Math.min(ny, j1 + 1);
    if (c <= a || d <= b) return { n: 0, s: 0, q: 0 };
    const at = (t: Float64Array, i: number, j: number): number => t[j * (nx + 1) + i]!;
    return {
      n: (c - a) * (d - b),
      s: at(sum, c, d) - at(sum, a, d) - at(sum, c, b) + at(sum, a, b),
      q: at(squares, c, d) - at(squares, a, d) - at(squares, c, b) + at(squares, a, b),
    };
  };
  const radiusPx = phantom.rodDiameterMm / 2 / pixelMm;
  const inner = Math.max(1, Math.floor((radiusPx * Math.SQRT2) / 2 - 1));
  // The surround band stays within about 4.5 mm of the rod: a phantom body is not much taller than its rods.
  const ringIn = Math.ceil(radiusPx + 1.5 / pixelMm);
  const ringOut = Math.ceil(radiusPx + 4.5 / pixelMm);
  type Candidate = { i: number; j: number; contrast: number };
  const candidates: Candidate[] = [];
  for (let j = ringOut; j < ny - ringOut; j += 2) {
    for (let i = ringOut; i < nx - ringOut; i += 2) {
      const core = box(i - inner, j - inner, i + inner, j + inner);
      const outer = box(i - ringOut, j - ringOut, i + ringOut, j + ringOut);
      const hole = box(i - ringIn, j - ringIn, i + ringIn, j + ringIn);
      const ringN = outer.n - hole.n;
      if (core.n === 0 || ringN <= 0) continue;
      const coreMean = core.s / core.n;
      const ringMean = (outer.s - hole.s) / ringN;
      const coreSd = Math.sqrt(Math.max(0, core.q / core.n - coreMean * coreMean));
      const ringSd = Math.sqrt(Math.max(0, (outer.q - hole.q) / ringN - ringMean * ringMean));
      const contrast = coreMean - ringMean;
      // The surround must be water-like and uniform: inside the patient it is neither.
      if (contrast < MIN_CONTRAST_HU || coreSd > MAX_UNIFORMITY_SD_HU || ringSd > MAX_UNIFORMITY_SD_HU || Math.abs(ringMean) > 120) continue;
      candidates.push({ i, j, contrast });
    }
  }
  // Non-maximum suppression within one rod diameter.
  candidates.sort((a, b) => b.contrast - a.contrast);
  const kept: Candidate[] = [];
  for (const c of candidates) if (kept.every((k) => Math.hypot((k.i - c.i) * sx, (k.j - c.j) * sy) > phantom.rodDiameterMm)) kept.push(c);
  // The rod row: the most candidates sharing a row (within 4 mm) and a lattice x0 + k * pitch (within
  // 3 mm) of at most as many places as the phantom has rods; spurious discs fall off the lattice.
  let row: Candidate[] = [];
  let rowPitch = 0;
  const slotsMax = phantom.rods.length;
  for (const a of kept) {
    const sameRow = kept.filter((k) => Math.abs((k.j - a.j) * sy) <= 4);
    for (const b of sameRow) {
      const gap = (b.i - a.i) * sx;
      if (gap < phantom.rodDiameterMm) continue;
      for (let m = 1; m < slotsMax; m++) {
        const pitch = gap / m;
        if (pitch < phantom.rodDiameterMm) break;
        const members = sameRow.filter((k) => {
          const steps = ((k.i - a.i) * sx) / pitch;
          return Math.abs(steps - Math.round(steps)) * pitch <= 3 && Math.round(steps) >= 0 && Math.round(steps) < slotsMax;
        });
        const better =
          members.length > row.length ||
          (members.length === row.length && members.reduce((t, k) => t + k.contrast, 0) > row.reduce((t, k) => t + k.contrast, 0));
        if (better) {
          row = members;
          rowPitch = pitch;
        }
      }
    }
  }
  if (row.length < 2)
    return { ok: false, problem: `no rod phantom found: ${row.length} rod-like disc(s) of ${phantom.rodDiameterMm} mm in a row in the field` };
  row.sort((a, b) => a.i - b.i);
  const xs = row.map((c) => c.i * sx);
  const pitch = rowPitch;
  const yMm = row.reduce((a, c) => a + c.j * sy, 0) / row.length;
  const slots = Math.round((xs[xs.length - 1]! - xs[0]!) / pitch) + 1;
  if (slots > phantom.rods.length) return { ok: false, problem: `the rod row spans ${slots} places, the phantom has ${phantom.rods.length} rods` };
  const discMean = (xMm: number): number => {
    const r = 0.6 * (phantom.rodDiameterMm / 2);
    let s = 0;
    let n = 0;
    for (let j = Math.floor((yMm - r) / sy); j <= Math.ceil((yMm + r) / sy); j++) {
      for (let i = Math.floor((xMm - r) / sx); i <= Math.ceil((xMm + r) / sx); i++) {
        if (i < 0 || j < 0 || i >= nx || j >= ny || Math.hypot(i * sx - xMm, j * sy - yMm) > r) continue;
        s += image[j * nx + i]!;
        n++;
      }
    }
    return n > 0 ? s / n : Number.NaN;
  };
  const concentrations = phantom.rods.map((r) => r.mgPerCm3).sort((a, b) => a - b);
  let best: RodCalibration | null = null;
  for (let offset = 0; offset <= phantom.rods.length - slots; offset++) {
    const places = phantom.rods.map((_, k) => xs[0]! + (k - offset) * pitch);
    if (places.some((x) => x < 0 || x > (nx - 1) * sx)) continue;
    const measured = places.map((x) => ({ x, hu: discMean(x), detected: xs.some((d) => Math.abs(d - x) < pitch / 3) }));
    const byHu = [...measured].sort((a, b) => a.hu - b.hu);
    const rods: MeasuredRod[] = byHu.map((m, k) => ({ mgPerCm3: concentrations[k]!, centreMm: [m.x, yMm], meanHu: m.hu, detected: m.detected }));
    const fit = leastSquaresLine(
      rods.map((r) => r.mgPerCm3),
      rods.map((r) => r.meanHu),
    );
    const r = Math.sign(fit.slope) * Math.sqrt(Math.max(0, fit.r2));
    if (best === null || r > best.r)
      best = {
        rods: rods.sort((a, b) => a.centreMm[0] - b.centreMm[0]),
        slopeHuPerMg: fit.slope,
        interceptHu: fit.intercept,
        r,
        material: phantom.material,
        sliceRange,
      };
  }
  if (best === null) return { ok: false, problem: 'the rod row does not fit inside the field' };
  if (!(best.slopeHuPerMg > 0) || best.r < MIN_ROD_FIT_R)
    return { ok: false, problem: `the rods do not calibrate: HU vs mg/cm3 r = ${best.r.toFixed(4)} (at least ${MIN_ROD_FIT_R} needed)` };
  return { ok: true, calibration: best };
}
