import type { Point3, Vector3 } from '../../core/geometry.js';
import type { DigitalPhantom } from '../../physics/phantom/digital-phantom.js';
import type { VoxelGrid } from '../../physics/phantom/voxelise.js';
import { voxelisePhantom } from '../../physics/phantom/voxelise.js';
import { projectPhantom } from '../../physics/project-phantom.js';
import type { ProjectionGeometry } from '../../physics/projection-geometry.js';
import { detectorWindow, parallelVersion, projectPointToDetector } from '../../physics/projection-geometry.js';
import type { FemurLandmarks, HipRegions } from './hip-anatomy.js';

/** Femur mineral above this counts as bone (DXA's edge detection), g/cm2. */
const BONE_EDGE_G_PER_CM2 = 0.05;

export interface HipDxa {
  neck: { areaCm2: number; femurBmcG: number; otherBmcG: number };
  total: { areaCm2: number; femurBmcG: number; otherBmcG: number };
}

/**
 * Femoral neck and total hip aBMD as DXA measures them on a pencil-beam AP projection of the
 * target femur in the DXA pose. Neck: a 15 mm box across the neck at its middle. Total hip: the
 * femur's bone pixels distal to a line across the neck near the head (the head is excluded) and
 * proximal to a line 10 mm below the lesser trochanter. BMC counts all mineral over the femur's
 * bone pixels (pelvis overlapping them included, as on a scanner).
 */
export function hipDxa(phantom: DigitalPhantom, hip: HipRegions, ap: ProjectionGeometry): HipDxa {
  const parallel = parallelVersion(ap);
  const t = hip.target;
  const p = (q: Point3): [number, number] => projectPointToDetector(parallel, q);
  const head = p(t.headCentre);
  const junction = p(t.neckJunction);
  const cut = p(t.pfCutPoint);
  const s = parallel.pixelSpacingMm;
  const reach = 110 / s;
  const i0 = Math.max(0, Math.floor(Math.min(head[0], cut[0]) - reach));
  const i1 = Math.min(ap.columns - 1, Math.ceil(Math.max(head[0], cut[0]) + reach));
  const j0 = Math.max(0, Math.floor(Math.min(head[1], cut[1]) - reach));
  const j1 = Math.min(ap.rows - 1, Math.ceil(Math.max(head[1], cut[1]) + reach));
  const window = detectorWindow(parallel, i0, j0, i1, j1);
  const femur = projectPhantom(phantom, window, ['hydroxyapatite'], (r) => hip.targetFemur.has(r)).mineralGPerCm2;
  const other = projectPhantom(phantom, window, ['hydroxyapatite'], (r) => !hip.targetFemur.has(r)).mineralGPerCm2;
  const axis = unit2([junction[0] - head[0], junction[1] - head[1]]);
  const across: [number, number] = [-axis[1], axis[0]];
  const neckLength = Math.hypot(junction[0] - head[0], junction[1] - head[1]);
  const neckMid: [number, number] = [head[0] + 0.5 * neckLength * axis[0], head[1] + 0.5 * neckLength * axis[1]];
  const headCut: [number, number] = [head[0] + 0.3 * neckLength * axis[0], head[1] + 0.3 * neckLength * axis[1]];
  const shaft = p([t.pfCutPoint[0] + 10 * t.shaftDown[0], t.pfCutPoint[1] + 10 * t.shaftDown[1], t.pfCutPoint[2] + 10 * t.shaftDown[2]]);
  const down = unit2([shaft[0] - cut[0], shaft[1] - cut[1]]);
  const pixelCm2 = (s / 10) ** 2;
  const neck = { areaCm2: 0, femurBmcG: 0, otherBmcG: 0 };
  const total = { areaCm2: 0, femurBmcG: 0, otherBmcG: 0 };
  for (let j = 0; j < window.rows; j++) {
    for (let i = 0; i < window.columns; i++) {
      const k = j * window.columns + i;
      if (femur[k]! <= BONE_EDGE_G_PER_CM2) continue;
      const x = i + i0;
      const y = j + j0;
      const add = (acc: typeof neck): void => {
        acc.areaCm2 += pixelCm2;
        acc.femurBmcG += femur[k]! * pixelCm2;
        acc.otherBmcG += other[k]! * pixelCm2;
      };
      const alongNeck = (x - neckMid[0]) * axis[0] + (y - neckMid[1]) * axis[1];
      const acrossNeck = (x - neckMid[0]) * across[0] + (y - neckMid[1]) * across[1];
      if (Math.abs(alongNeck) <= 7.5 / s && Math.abs(acrossNeck) <= 40 / s) add(neck);
      const beyondHead = (x - headCut[0]) * axis[0] + (y - headCut[1]) * axis[1] >= 0;
      const aboveCut = (x - cut[0]) * down[0] + (y - cut[1]) * down[1] <= 0;
      if (beyondHead && aboveCut) add(total);
    }
  }
  return { neck, total };
}

export function abmdOf(r: { areaCm2: number; femurBmcG: number; otherBmcG: number }): number {
  return (r.femurBmcG + r.otherBmcG) / r.areaCm2;
}

/** The target femur voxelised on a fine grid around its proximal part, with the PF mask. */
export interface ProximalFemurVolume {
  grid: VoxelGrid;
  /** Mean HA over each voxel, mg/cm3, zero outside the PF region. */
  haMgPerCm3: Float32Array;
  mask: Uint8Array;
  /** QCT: mean HA over the PF mask's voxels (centre-labelled), mg/cm3. */
  vbmdMgPerCm3: number;
  volumeCm3: number;
}

/**
 * Voxelises the target femur alone (as a QCT segmentation would isolate it) at `spacingMm`, keeps
 * the proximal-femur region (head to 10 mm below the lesser trochanter), and measures its vBMD.
 */
export function proximalFemurVolume(phantom: DigitalPhantom, hip: HipRegions, spacingMm: number): ProximalFemurVolume {
  const t = hip.target;
  const femurOnly: DigitalPhantom = { regions: phantom.regions, solids: phantom.solids.filter((s) => hip.targetFemur.has(s.region)) };
  const points = [t.headCentre, t.neckJunction, t.pfCutPoint, t.lesserTrochanter];
  const margin = 45;
  const min = [0, 1, 2].map((a) => Math.min(...points.map((q) => q[a]!)) - margin);
  const max = [0, 1, 2].map((a) => Math.max(...points.map((q) => q[a]!)) + margin);
  const size = [0, 1, 2].map((a) => Math.ceil((max[a]! - min[a]!) / spacingMm));
  const grid: VoxelGrid = {
    columns: size[0]!,
    rows: size[1]!,
    slices: size[2]!,
    spacingMm: [spacingMm, spacingMm, spacingMm],
    originMm: [min[0]!, min[1]!, min[2]!],
  };
  const ha = new Float64Array(phantom.regions.length);
  for (const [r, v] of hip.targetHaMgPerCm3) ha[r] = v;
  const { values, regions } = voxelisePhantom(femurOnly, grid, ha, 0, 1);
  const mask = new Uint8Array(values.length);
  let sum = 0;
  let count = 0;
  let p = 0;
  for (let k = 0; k < grid.slices; k++) {
    for (let j = 0; j < grid.rows; j++) {
      for (let i = 0; i < grid.columns; i++, p++) {
        const r = regions[p]!;
        const inside = hip.targetFemur.has(r) && belowCut(grid, i, j, k, t) === false;
        if (!inside) {
          values[p] = 0;
          continue;
        }
        mask[p] = 1;
        sum += ha[r]!;
        count++;
      }
    }
  }
  return { grid, haMgPerCm3: values, mask, vbmdMgPerCm3: count > 0 ? sum / count : NaN, volumeCm3: (count * spacingMm ** 3) / 1000 };
}

function belowCut(grid: VoxelGrid, i: number, j: number, k: number, t: FemurLandmarks): boolean {
  const x = grid.originMm[0] + i * grid.spacingMm[0] - t.pfCutPoint[0];
  const y = grid.originMm[1] + j * grid.spacingMm[1] - t.pfCutPoint[1];
  const z = grid.originMm[2] + k * grid.spacingMm[2] - t.pfCutPoint[2];
  return x * t.shaftDown[0] + y * t.shaftDown[1] + z * t.shaftDown[2] > 0;
}

/**
 * The PF-DRR of seed 001: the proximal-femur mineral projected along the radiograph's own rays,
 * g/cm2, with the femur moved from the CT pose into the image's pose (a rotation `rotation` about
 * `pivot`, as a 2D-3D registration would find). Each ray is taken into the CT frame once, clipped
 * to the volume's box, and sampled every half voxel (nearest voxel).
 */
export function proximalFemurDrr(volume: ProximalFemurVolume, geometry: ProjectionGeometry, rotation: readonly number[], pivot: Point3): Float32Array {
  const { grid, haMgPerCm3 } = volume;
  const out = new Float32Array(geometry.columns * geometry.rows);
  const source = geometry.sourceMm;
  if (source === undefined) return out;
  const r = rotation;
  // Image pose -> CT pose is the inverse (transpose) rotation about the pivot.
  const toCtVector = (v: Vector3): Vector3 => [
    r[0]! * v[0] + r[3]! * v[1] + r[6]! * v[2],
    r[1]! * v[0] + r[4]! * v[1] + r[7]! * v[2],
    r[2]! * v[0] + r[5]! * v[1] + r[8]! * v[2],
  ];
  const sourceCtOffset = toCtVector([source[0] - pivot[0], source[1] - pivot[1], source[2] - pivot[2]]);
  const sourceCt: Point3 = [pivot[0] + sourceCtOffset[0], pivot[1] + sourceCtOffset[1], pivot[2] + sourceCtOffset[2]];
  const size = [grid.columns, grid.rows, grid.slices];
  const lo = [0, 1, 2].map((a) => grid.originMm[a]! - grid.spacingMm[a]! / 2);
  const hi = [0, 1, 2].map((a) => grid.originMm[a]! + (size[a]! - 0.5) * grid.spacingMm[a]!);
  // Detector footprint of the volume: project its eight corners (in the image pose).
  let iMin = Infinity;
  let iMax = -Infinity;
  let jMin = Infinity;
  let jMax = -Infinity;
  for (const x of [lo[0]!, hi[0]!]) {
    for (const y of [lo[1]!, hi[1]!]) {
      for (const z of [lo[2]!, hi[2]!]) {
        const d: Vector3 = [x - pivot[0], y - pivot[1], z - pivot[2]];
        const w: Point3 = [
          pivot[0] + r[0]! * d[0] + r[1]! * d[1] + r[2]! * d[2],
          pivot[1] + r[3]! * d[0] + r[4]! * d[1] + r[5]! * d[2],
          pivot[2] + r[6]! * d[0] + r[7]! * d[1] + r[8]! * d[2],
        ];
        const [pi, pj] = projectPointToDetector(geometry, w);
        iMin = Math.min(iMin, pi);
        iMax = Math.max(iMax, pi);
        jMin = Math.min(jMin, pj);
        jMax = Math.max(jMax, pj);
      }
    }
  }
  const step = grid.spacingMm[0] / 2;
  const o = geometry.detectorOriginMm;
  const s = geometry.pixelSpacingMm;
  const [nx, ny, nz] = size as [number, number, number];
  const [sx, sy, sz] = grid.spacingMm;
  const [ox, oy, oz] = grid.originMm;
  for (let j = Math.max(0, Math.floor(jMin)); j <= Math.min(geometry.rows - 1, Math.ceil(jMax)); j++) {
    for (let i = Math.max(0, Math.floor(iMin)); i <= Math.min(geometry.columns - 1, Math.ceil(iMax)); i++) {
      const px = o[0] + s * (i * geometry.uAxis[0] + j * geometry.vAxis[0]);
      const py = o[1] + s * (i * geometry.uAxis[1] + j * geometry.vAxis[1]);
      const pz = o[2] + s * (i * geometry.uAxis[2] + j * geometry.vAxis[2]);
      const direction = toCtVector(unit3([px - source[0], py - source[1], pz - source[2]]));
      // Slab clipping of the ray to the volume's box.
      let t0 = -Infinity;
      let t1 = Infinity;
      for (let a = 0; a < 3; a++) {
        const dA = direction[a]!;
        const sA = sourceCt[a]!;
        if (Math.abs(dA) < 1e-12) {
          if (sA < lo[a]! || sA > hi[a]!) t1 = -Infinity;
          continue;
        }
        const ta = (lo[a]! - sA) / dA;
        const tb = (hi[a]! - sA) / dA;
        t0 = Math.max(t0, Math.min(ta, tb));
        t1 = Math.min(t1, Math.max(ta, tb));
      }
      if (!(t1 > t0)) continue;
      let sum = 0;
      for (let t = t0 + step / 2; t < t1; t += step) {
        const vi = Math.round((sourceCt[0] + t * direction[0] - ox) / sx);
        const vj = Math.round((sourceCt[1] + t * direction[1] - oy) / sy);
        const vk = Math.round((sourceCt[2] + t * direction[2] - oz) / sz);
        if (vi < 0 || vj < 0 || vk < 0 || vi >= nx || vj >= ny || vk >= nz) continue;
        sum += haMgPerCm3[vi + nx * (vj + ny * vk)]!;
      }
      // mg/cm3 x mm = 1e-4 g/cm2.
      out[j * geometry.columns + i] = sum * step * 1e-4;
    }
  }
  return out;
}

function unit2(v: [number, number]): [number, number] {
  const n = Math.hypot(v[0], v[1]);
  return [v[0] / n, v[1] / n];
}

function unit3(v: Vector3): Vector3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}
