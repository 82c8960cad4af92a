import type { Volume3D } from '../../core/volume3d.js';
import { BONE_HU } from './spine-column-track.js';

/**
 * Whether a vertebra bears ribs, read from anatomy: bone that starts beside the vertebra, where rib
 * heads and transverse processes leave it, and runs on sideways beyond where any lumbar transverse
 * process ends. Ribs 11 and 12 articulate with the bodies of T11 and T12 at their upper half and run
 * laterally, backwards and down; the lumbar transverse processes end within about 50 mm of the
 * midline (tip to tip under 100 mm). A twelfth rib shorter than that reach (hypoplastic) is not seen
 * as a rib, as on a radiograph, where such a rib is told from a transverse process by its length.
 */
export interface RibReach {
  /** How far from the column's centre the bone reaches on the patient's right (-x) and left (+x), mm (the search stops once it reaches RIB_REACH_MM). */
  rightMm: number;
  leftMm: number;
}

/** A rib: bone reaching at least this far from the column's centre, mm (beyond any lumbar transverse process, about 50 mm). */
export const RIB_REACH_MM = 65;
/** Where a rib head or a transverse process leaves the vertebra, from the column's centre sideways, mm (bodies are 30-50 mm wide). */
const SEED_LATERAL_MM: readonly [number, number] = [20, 30];
/** ... and along y from the body's centre, mm (the body's back half to the pedicles and the costotransverse joints). */
const SEED_DEPTH_MM: readonly [number, number] = [0, 25];
/** ... and along z, as shares of the vertebra's disc-to-disc height below and above its centre (the pedicles and rib heads). */
const SEED_HEIGHT_SHARE: readonly [number, number] = [0.25, 0.4];
/** The bone is followed within this depth range from the body's centre, mm, clear of the table behind the back. */
const SEARCH_DEPTH_MM: readonly [number, number] = [-40, 90];
/**
 * ... from this far below the vertebra's lower disc up to its upper disc, mm: a rib descends as it
 * runs out; above the upper disc the facet joints, which 3 mm voxels fuse, would lead to the ribs
 * of the vertebra above.
 */
const SEARCH_BELOW_MM = 50;
/** No further than this from the column's centre, mm (enough to see RIB_REACH_MM; the arms are beyond). */
const SEARCH_LATERAL_MM = RIB_REACH_MM + 10;

export interface RibSearchVertebra {
  /** Body centre, index-mm (x, y, z). */
  centreMm: readonly [number, number, number];
  /** Endplate-to-endplate extent along z, index-mm. */
  topMm: number;
  bottomMm: number;
}

/**
 * The lateral reach, per side, of the bone connected (26-neighbourhood, above BONE_HU) to the rib
 * heads' zone of the vertebra's upper half, followed outwards only (never back across the body).
 */
export function ribReachMm(volume: Volume3D, vertebra: RibSearchVertebra): RibReach {
  return { rightMm: reachOnSide(volume, vertebra, -1), leftMm: reachOnSide(volume, vertebra, 1) };
}

function reachOnSide(volume: Volume3D, v: RibSearchVertebra, side: -1 | 1): number {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const [cx, cy, cz] = v.centreMm;
  const clampIndex = (value: number, n: number): number => Math.min(n - 1, Math.max(0, value));
  // Box bounds in voxels: lateral offset d (0 = the seed zone's inner edge), y and z ranges.
  const firstD = Math.round(SEED_LATERAL_MM[0] / sx);
  const lastD = Math.round(SEARCH_LATERAL_MM / sx);
  const j0 = clampIndex(Math.round((cy + SEARCH_DEPTH_MM[0]) / sy), ny);
  const j1 = clampIndex(Math.round((cy + SEARCH_DEPTH_MM[1]) / sy), ny);
  const k0 = clampIndex(Math.round((v.bottomMm - SEARCH_BELOW_MM) / sz), nz);
  const k1 = clampIndex(Math.floor(v.topMm / sz), nz);
  const columnOf = (d: number): number => Math.round(cx / sx) + side * d;
  const dn = lastD - firstD + 1;
  const jn = j1 - j0 + 1;
  const kn = k1 - k0 + 1;
  if (dn <= 0 || jn <= 0 || kn <= 0) return 0;
  const boxIndex = (d: number, j: number, k: number): number => d - firstD + dn * (j - j0 + jn * (k - k0));
  const isBone = (d: number, j: number, k: number): boolean => {
    const i = columnOf(d);
    return i >= 0 && i < nx && volume.data[i + nx * (j + ny * k)]! > BONE_HU;
  };
  const seen = clearedScratch(dn * jn * kn);
  const stack: number[] = [];
  const push = (d: number, j: number, k: number): void => {
    const b = boxIndex(d, j, k);
    if (seen[b] === 1 || !isBone(d, j, k)) return;
    seen[b] = 1;
    stack.push(d, j, k);
  };
  // Seeds: the rib heads' and transverse processes' zone, beside the pedicles: from a quarter of the
  // body's height below its centre to 40 % above it. The rib of the vertebra above, descending as it
  // runs out, passes this vertebra's upper endplate further out, not beside its pedicles.
  const seedD1 = Math.round(SEED_LATERAL_MM[1] / sx);
  const seedJ0 = clampIndex(Math.round((cy + SEED_DEPTH_MM[0]) / sy), ny);
  const seedJ1 = clampIndex(Math.round((cy + SEED_DEPTH_MM[1]) / sy), ny);
  const heightMm = v.topMm - v.bottomMm;
  const seedK0 = clampIndex(Math.round((cz - SEED_HEIGHT_SHARE[0] * heightMm) / sz), nz);
  const seedK1 = clampIndex(Math.round((cz + SEED_HEIGHT_SHARE[1] * heightMm) / sz), nz);
  for (let k = Math.max(seedK0, k0); k <= Math.min(seedK1, k1); k++)
    for (let j = Math.max(seedJ0, j0); j <= Math.min(seedJ1, j1); j++) for (let d = firstD; d <= seedD1; d++) push(d, j, k);
  let reach = 0;
  // Once the bone reaches a rib's length the answer is known: stop there (the reach is then reported as at least that).
  const enough = Math.ceil(RIB_REACH_MM / sx);
  while (stack.length > 0 && reach < enough) {
    const k = stack.pop()!;
    const j = stack.pop()!;
    const d = stack.pop()!;
    if (d > reach) reach = d;
    for (let dk = -1; dk <= 1; dk++) {
      const kk = k + dk;
      if (kk < k0 || kk > k1) continue;
      for (let dj = -1; dj <= 1; dj++) {
        const jj = j + dj;
        if (jj < j0 || jj > j1) continue;
        for (let dd = -1; dd <= 1; dd++) {
          const d2 = d + dd;
          if (d2 < firstD || d2 > lastD || (dd === 0 && dj === 0 && dk === 0)) continue;
          push(d2, jj, kk);
        }
      }
    }
  }
  return reach * sx;
}

let scratch = new Uint8Array(0);

/** A zeroed buffer of at least `length` bytes, reused between searches (a fresh one per search costs its pages' first touch). */
function clearedScratch(length: number): Uint8Array {
  if (scratch.length < length) scratch = new Uint8Array(length);
  const view = scratch.subarray(0, length);
  view.fill(0);
  return view;
}

/** Whether the reach on either side is a rib's (a lumbar rib may be one-sided). */
export function bearsRib(reach: RibReach): boolean {
  return Math.max(reach.leftMm, reach.rightMm) >= RIB_REACH_MM;
}
