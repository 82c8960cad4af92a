import type { Volume3D } from '../../core/volume3d.js';

/**
 * Intravenous contrast read off the image, for series whose DICOM does not name an agent (many do
 * not, and NIfTI never does): the brightest 8 x 8 mm square of soft tissue in front of and to the
 * left of the vertebral bodies, where the abdominal aorta runs (Gray's Anatomy: the aorta descends
 * left-anterior of the lumbar bodies to its bifurcation at L4). Unenhanced blood reads 30-60 HU and
 * so do the crura and psoas beside it; in the portal-venous phase the aorta reads 130-200 HU (Bae,
 * Radiology 2010;256:32-61). Oral contrast in bowel lying there reads high too: either way iodine
 * is in the field and the trabecular HU is not a plain reading.
 */
export interface ContrastReading {
  /** Median over the sampled slices of the brightest square's mean HU; null when no slice was sampled. */
  aortaRegionHu: number | null;
  enhanced: boolean;
  slices: number;
}

/** Above this the blood pool (or bowel) holds iodine, HU: halfway between unenhanced blood (at most about 60) and portal-venous aorta (130 and more). */
export const ENHANCED_HU = 110;
/** The square, mm: an abdominal aorta is 15-25 mm across. */
const SQUARE_MM = 8;
/** Squares holding a voxel above this are bone, calcified plaque or metal, not lumen, HU. */
const DENSE_HU = 500;
/** Where the aorta is looked for, from the body's centre (x to the patient's left, y forwards), mm: 20-65 mm in front, 25 mm right to 45 mm left. */
const REGION_MM = { forwardFrom: 20, forwardTo: 65, rightOf: 25, leftOf: 45 } as const;

/** Reads the aorta region in the slices within 10 mm of each given body centre (index-mm, canonical frame: +x left, +y posterior). */
export function readIvContrast(volume: Volume3D, bodyCentresMm: readonly (readonly [number, number, number])[]): ContrastReading {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const side = [Math.max(1, Math.round(SQUARE_MM / sx)), Math.max(1, Math.round(SQUARE_MM / sy))] as const;
  const slices = new Set<number>();
  for (const c of bodyCentresMm) for (let k = Math.round((c[2] - 10) / sz); k <= Math.round((c[2] + 10) / sz); k++) if (k >= 0 && k < nz) slices.add(k);
  const maxima: number[] = [];
  for (const k of slices) {
    const c = bodyCentresMm.reduce((best, q) => (Math.abs(q[2] - k * sz) < Math.abs(best[2] - k * sz) ? q : best));
    const i0 = Math.max(0, Math.round((c[0] - REGION_MM.rightOf) / sx));
    const i1 = Math.min(nx - 1, Math.round((c[0] + REGION_MM.leftOf) / sx));
    const j0 = Math.max(0, Math.round((c[1] - REGION_MM.forwardTo) / sy));
    const j1 = Math.min(ny - 1, Math.round((c[1] - REGION_MM.forwardFrom) / sy));
    const best = brightestSquareMean(volume, k, [i0, i1], [j0, j1], side);
    if (!Number.isNaN(best)) maxima.push(best);
  }
  if (maxima.length === 0) return { aortaRegionHu: null, enhanced: false, slices: 0 };
  maxima.sort((a, b) => a - b);
  const median = maxima[Math.floor(maxima.length / 2)]!;
  return { aortaRegionHu: median, enhanced: median > ENHANCED_HU, slices: maxima.length };
}

/**
 * The largest mean over `side` squares inside columns i0..i1 and rows j0..j1 of slice k that hold
 * no voxel above DENSE_HU (NaN when none): summed-area tables of the values and of the dense
 * voxels, so each square costs four look-ups.
 */
function brightestSquareMean(volume: Volume3D, k: number, [i0, i1]: [number, number], [j0, j1]: [number, number], side: readonly [number, number]): number {
  const [nx, ny] = volume.size;
  const w = i1 - i0 + 1;
  const h = j1 - j0 + 1;
  if (w < side[0] || h < side[1]) return Number.NaN;
  // Tables with a zero first row and column: entry (i, j) sums the values above and left of it.
  const sums = new Float64Array((w + 1) * (h + 1));
  const dense = new Int32Array((w + 1) * (h + 1));
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const v = volume.data[i0 + i + nx * (j0 + j + ny * k)]!;
      const at = i + 1 + (w + 1) * (j + 1);
      sums[at] = v + sums[at - 1]! + sums[at - (w + 1)]! - sums[at - (w + 1) - 1]!;
      dense[at] = (v > DENSE_HU ? 1 : 0) + dense[at - 1]! + dense[at - (w + 1)]! - dense[at - (w + 1) - 1]!;
    }
  const box = (table: Float64Array | Int32Array, i: number, j: number): number => {
    const a = i + (w + 1) * j;
    const b = i + side[0] + (w + 1) * (j + side[1]);
    return table[b]! - table[b - side[1] * (w + 1)]! - table[a + side[1] * (w + 1)]! + table[a]!;
  };
  let best = Number.NaN;
  for (let j = 0; j + side[1] <= h; j++)
    for (let i = 0; i + side[0] <= w; i++) {
      if (box(dense, i, j) > 0) continue;
      const mean = box(sums, i, j) / (side[0] * side[1]);
      if (!(mean <= best)) best = mean;
    }
  return best;
}
