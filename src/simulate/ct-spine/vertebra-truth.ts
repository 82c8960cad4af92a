import type { Point3 } from '../../core/geometry.js';
import type { VoxelGrid } from '../../physics/phantom/voxelise.js';
import type { SpineShape } from '../spine/spine-shape.js';
import type { SpineLevel } from '../spine/spine-levels.js';
import type { VertebralFracture } from '../spine/vertebral-fracture.js';
import type { TorsoAnatomy } from '../trunk/torso-anatomy.js';

/** What the truth and landmark files say about one vertebra in the scanned slab. */
export interface LevelTruth {
  level: SpineLevel;
  code: number;
  /** The whole body lies inside the slab (not cut by the first or last slice). */
  complete: boolean;
  fractured: boolean;
  /** Its type, grade and height loss (Genant), when fractured. */
  fracture: VertebralFracture | null;
  /** Pedicle screws pass into the body (QCT does not measure an instrumented vertebra). */
  instrumented: boolean;
  /** Schmorl nodes in its endplates (their disc material and rims are not cancellous bone, so not in the QCT truth). */
  schmorlNodes: number;
  anteriorHeightRatio: number;
  cancellousVoxels: number;
  /** Mean HA over the level's cancellous voxels, mg/cm3 (QCT definition); null when none. */
  vbmdMgPerCm3: number | null;
  /** Mean of the exact (noise-free, unblurred) HU of those voxels. */
  exactMeanHu: number | null;
  /** Mean of the stored image HU there (noise, blur and scanner error included): what a naive reading sees. */
  storedMeanHu: number | null;
  bodyCentroidMm: Point3;
  bodyCentroidVoxel: Point3;
  /** [[i0, j0, k0], [i1, j1, k1]] inclusive voxel bounds of the vertebral body. */
  bodyBoxVoxel: [Point3, Point3];
}

/**
 * Measures each vertebra that appears in the voxelised slab from the centre-sampled region labels:
 * cancellous voxel count and mean HA (the QCT vBMD truth), and the body's centroid and bounding box.
 */
export function measureVertebrae(
  anatomy: TorsoAnatomy,
  regions: Uint8Array,
  grid: VoxelGrid,
  spine: SpineShape,
  regionHu: Float64Array,
  storedHu: Int16Array,
): LevelTruth[] {
  const bodyLut = new Uint8Array(256);
  const cancellousLut = new Uint8Array(256);
  const haLut = new Float64Array(256);
  const huLut = new Float64Array(256);
  for (const [r, code] of anatomy.spine.bodyCode) bodyLut[r] = code;
  for (const [r, code] of anatomy.spine.cancellousCode) cancellousLut[r] = code;
  for (const [r, ha] of anatomy.spine.cancellousHaMgPerCm3) haLut[r] = ha;
  regionHu.forEach((hu, r) => (huLut[r] = hu));
  const stats = new Map<
    number,
    { n: number; sx: number; sy: number; sz: number; min: Point3; max: Point3; cn: number; ha: number; hu: number; stored: number }
  >();
  const { columns, rows, slices } = grid;
  let p = 0;
  for (let k = 0; k < slices; k++) {
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < columns; i++, p++) {
        const r = regions[p]!;
        const code = bodyLut[r]!;
        if (code === 0) continue;
        let s = stats.get(code);
        if (s === undefined) {
          s = { n: 0, sx: 0, sy: 0, sz: 0, min: [i, j, k], max: [i, j, k], cn: 0, ha: 0, hu: 0, stored: 0 };
          stats.set(code, s);
        }
        s.n++;
        s.sx += i;
        s.sy += j;
        s.sz += k;
        if (i < s.min[0]) s.min[0] = i;
        if (j < s.min[1]) s.min[1] = j;
        if (k < s.min[2]) s.min[2] = k;
        if (i > s.max[0]) s.max[0] = i;
        if (j > s.max[1]) s.max[1] = j;
        if (k > s.max[2]) s.max[2] = k;
        if (cancellousLut[r] !== 0) {
          s.cn++;
          s.ha += haLut[r]!;
          s.hu += huLut[r]!;
          s.stored += storedHu[p]!;
        }
      }
    }
  }
  const out: LevelTruth[] = [];
  for (const v of spine.vertebrae) {
    const s = stats.get(v.code);
    if (s === undefined) continue;
    const centroid: Point3 = [s.sx / s.n, s.sy / s.n, s.sz / s.n];
    out.push({
      level: v.level,
      code: v.code,
      complete: s.min[2] > 0 && s.max[2] < slices - 1,
      fractured: v.fracture !== null,
      fracture: v.fracture,
      instrumented: spine.instrumented.includes(v.level),
      schmorlNodes: spine.schmorlNodes.filter((n) => n.level === v.level).length,
      anteriorHeightRatio: v.anteriorHeightRatio,
      cancellousVoxels: s.cn,
      vbmdMgPerCm3: s.cn > 0 ? s.ha / s.cn : null,
      exactMeanHu: s.cn > 0 ? s.hu / s.cn : null,
      storedMeanHu: s.cn > 0 ? s.stored / s.cn : null,
      bodyCentroidMm: [0, 1, 2].map((a) => round3(grid.originMm[a]! + centroid[a]! * grid.spacingMm[a]!)) as Point3,
      bodyCentroidVoxel: centroid.map(round3) as Point3,
      bodyBoxVoxel: [s.min, s.max],
    });
  }
  return out;
}

/**
 * The cohort's spine_vbmd: mean of L1 and L2; a level that is fractured, instrumented, cut by the
 * slab edge or missing is replaced by T12 (then L3), as the seed paper and DESIGN.md define it.
 */
export function spineVbmdTruth(levels: readonly LevelTruth[]): { vbmdMgPerCm3: number | null; levels: SpineLevel[] } {
  const usable = (name: SpineLevel): LevelTruth | undefined =>
    levels.find((l) => l.level === name && l.complete && !l.fractured && !l.instrumented && l.vbmdMgPerCm3 !== null);
  const chosen: LevelTruth[] = [];
  for (const name of ['L1', 'L2', 'T12', 'L3'] as const) {
    const level = usable(name);
    if (level !== undefined && chosen.length < 2) chosen.push(level);
  }
  if (chosen.length === 0) return { vbmdMgPerCm3: null, levels: [] };
  return { vbmdMgPerCm3: chosen.reduce((sum, l) => sum + l.vbmdMgPerCm3!, 0) / chosen.length, levels: chosen.map((l) => l.level) };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
