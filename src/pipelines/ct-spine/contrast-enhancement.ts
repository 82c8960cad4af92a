import type { Volume3D } from '../../core/volume3d.js';

/**
 * Intravenous contrast read off the image, for series whose DICOM does not name an agent (many do
 * not, and NIfTI never does): the brightest 8 x 8 mm column of soft tissue in front of and to the
 * left of the vertebral bodies, where the abdominal aorta runs (Gray's Anatomy: the aorta descends
 * left-anterior of the lumbar bodies to its bifurcation at L4). Unenhanced blood reads 30-60 HU and
 * so do the crura and psoas beside it; in the portal-venous phase the aorta reads 130-200 HU (Bae,
 * Radiology 2010;256:32-61). Each square's mean is averaged over the slices read, at the same place
 * beside the nearest body: the aorta is a tube along the spine and stays bright there, while a loop
 * of bowel opacified by oral contrast (150-300 HU) lies across a few slices and moves from slice to
 * slice. Oral contrast stays in the bowel and does not reach the marrow, so it is no reason to doubt
 * the trabecular HU, and must not raise the flag.
 */
export interface ContrastReading {
  /** The brightest column's mean HU over the sampled slices in the aorta's region; null when no slice was sampled. */
  aortaRegionHu: number | null;
  /** The same beside the bodies where the kidneys lie (the brighter side); null when none was read. */
  kidneyRegionHu: number | null;
  enhanced: boolean;
  slices: number;
}

/** Above this the blood pool holds iodine, HU: halfway between unenhanced blood (at most about 60) and portal-venous aorta (130 and more). */
export const ENHANCED_HU = 110;
/** The square, mm: an abdominal aorta is 15-25 mm across. */
const SQUARE_MM = 8;
/** Squares holding a voxel above this are bone, calcified plaque or metal, not lumen, HU. */
const DENSE_HU = 500;
/** A region beside a body's centre, mm: from `rightOf` to the patient's right to `leftOf` to the left, `forwardFrom` to `forwardTo` in front (negative: behind). */
interface Region {
  forwardFrom: number;
  forwardTo: number;
  rightOf: number;
  leftOf: number;
}
/** Where the aorta is looked for: 20-65 mm in front of the body's centre, 25 mm right to 45 mm left. */
const AORTA_REGION_MM: Region = { forwardFrom: 20, forwardTo: 65, rightOf: 25, leftOf: 45 };
/**
 * Where the kidneys lie, each side: beside the T12-L2 bodies in the retroperitoneum, their hila 50-60
 * mm from the midline (Gray's Anatomy), so 35-110 mm out, from 50 mm behind the body's centre to 30
 * mm in front. Portal-venous renal parenchyma reads 150-200 HU, unenhanced about 30 (Bae 2010).
 */
const KIDNEY_REGIONS_MM: readonly Region[] = [
  { forwardFrom: -50, forwardTo: 30, rightOf: 110, leftOf: -35 },
  { forwardFrom: -50, forwardTo: 30, rightOf: -35, leftOf: 110 },
];
/** A column counts when its square is lumen (no dense voxel, inside the volume) in at least this share of the slices read (plaque calcifies a wall here and there). */
const MIN_LUMEN_SHARE = 0.5;

/**
 * Reads the aorta's and the kidneys' regions in the slices within 10 mm of each given body centre
 * (index-mm, canonical frame: +x left, +y posterior). Enhanced means both read above ENHANCED_HU:
 * iodine in the blood pool reaches the renal parenchyma too, while a loop of opacified bowel beside
 * the aorta (which a column can still hold where the loop runs along the spine) leaves the kidneys
 * dark.
 */
export function readIvContrast(volume: Volume3D, bodyCentresMm: readonly (readonly [number, number, number])[]): ContrastReading {
  const [, , nz] = volume.size;
  const sz = volume.spacingMm[2];
  const slices = new Set<number>();
  for (const c of bodyCentresMm) for (let k = Math.round((c[2] - 10) / sz); k <= Math.round((c[2] + 10) / sz); k++) if (k >= 0 && k < nz) slices.add(k);
  const aortaRegionHu = brightestColumnHu(volume, bodyCentresMm, slices, AORTA_REGION_MM);
  const kidneys = KIDNEY_REGIONS_MM.map((r) => brightestColumnHu(volume, bodyCentresMm, slices, r)).filter((v): v is number => v !== null);
  const kidneyRegionHu = kidneys.length > 0 ? Math.max(...kidneys) : null;
  const enhanced = aortaRegionHu !== null && aortaRegionHu > ENHANCED_HU && kidneyRegionHu !== null && kidneyRegionHu > ENHANCED_HU;
  return { aortaRegionHu, kidneyRegionHu, enhanced, slices: slices.size };
}

/** The largest over a region's 8 x 8 mm squares of the square's mean HU averaged over the slices (the region following the nearest body); null when none. */
function brightestColumnHu(
  volume: Volume3D,
  bodyCentresMm: readonly (readonly [number, number, number])[],
  slices: ReadonlySet<number>,
  region: Region,
): number | null {
  const [sx, sy, sz] = volume.spacingMm;
  const side = [Math.max(1, Math.round(SQUARE_MM / sx)), Math.max(1, Math.round(SQUARE_MM / sy))] as const;
  // The region's size in voxels is the same in every slice; its place follows the nearest body.
  const width = Math.round((region.rightOf + region.leftOf) / sx) + 1;
  const height = Math.round((region.forwardTo - region.forwardFrom) / sy) + 1;
  const columns = Math.max(0, width - side[0] + 1) * Math.max(0, height - side[1] + 1);
  if (columns === 0 || slices.size === 0) return null;
  const sums = new Float64Array(columns);
  const counts = new Int32Array(columns);
  for (const k of slices) {
    const c = bodyCentresMm.reduce((best, q) => (Math.abs(q[2] - k * sz) < Math.abs(best[2] - k * sz) ? q : best));
    const i0 = Math.round((c[0] - region.rightOf) / sx);
    const j0 = Math.round((c[1] - region.forwardTo) / sy);
    addSquareMeans(volume, k, [i0, j0], [width, height], side, sums, counts);
  }
  let best = Number.NaN;
  for (let q = 0; q < columns; q++) if (counts[q]! >= MIN_LUMEN_SHARE * slices.size && !(sums[q]! / counts[q]! <= best)) best = sums[q]! / counts[q]!;
  return Number.isNaN(best) ? null : best;
}

/**
 * Adds the mean of every `side` square of slice k's region (width x height voxels from column i0,
 * row j0) to `sums` and counts it, unless it holds a voxel above DENSE_HU or leaves the volume:
 * summed-area tables of the values and of the dense voxels, so each square costs four look-ups.
 */
function addSquareMeans(
  volume: Volume3D,
  k: number,
  [i0, j0]: [number, number],
  [w, h]: [number, number],
  side: readonly [number, number],
  sums: Float64Array,
  counts: Int32Array,
): void {
  const [nx, ny] = volume.size;
  // Tables with a zero first row and column: entry (i, j) sums the values above and left of it; voxels outside the volume count as dense.
  const table = new Float64Array((w + 1) * (h + 1));
  const dense = new Int32Array((w + 1) * (h + 1));
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const [vi, vj] = [i0 + i, j0 + j];
      const inside = vi >= 0 && vi < nx && vj >= 0 && vj < ny;
      const v = inside ? volume.data[vi + nx * (vj + ny * k)]! : 0;
      const at = i + 1 + (w + 1) * (j + 1);
      table[at] = v + table[at - 1]! + table[at - (w + 1)]! - table[at - (w + 1) - 1]!;
      dense[at] = (!inside || v > DENSE_HU ? 1 : 0) + dense[at - 1]! + dense[at - (w + 1)]! - dense[at - (w + 1) - 1]!;
    }
  const box = (t: Float64Array | Int32Array, i: number, j: number): number => {
    const a = i + (w + 1) * j;
    const b = i + side[0] + (w + 1) * (j + side[1]);
    return t[b]! - t[b - side[1] * (w + 1)]! - t[a + side[1] * (w + 1)]! + t[a]!;
  };
  const across = w - side[0] + 1;
  for (let j = 0; j + side[1] <= h; j++)
    for (let i = 0; i + side[0] <= w; i++) {
      if (box(dense, i, j) > 0) continue;
      const q = i + across * j;
      sums[q]! += box(table, i, j) / (side[0] * side[1]);
      counts[q]! += 1;
    }
}
