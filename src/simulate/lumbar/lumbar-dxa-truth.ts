import type { DigitalPhantom } from '../../physics/phantom/digital-phantom.js';
import { projectPhantom } from '../../physics/project-phantom.js';
import type { ProjectionGeometry } from '../../physics/projection-geometry.js';
import { detectorWindow, parallelVersion, projectPointToDetector } from '../../physics/projection-geometry.js';
import type { SpineRegions } from '../spine/spine-anatomy.js';
import { along } from '../spine/spine-anatomy.js';
import type { SpineShape, VertebraShape } from '../spine/spine-shape.js';
import type { SpineLevel } from '../spine/spine-levels.js';

/** DXA's L1-L4 regions as rectangles in the patient's coronal plane, mm (x across, z along the spine). */
export interface DxaRoiBox {
  level: SpineLevel;
  xMinMm: number;
  xMaxMm: number;
  zMinMm: number;
  zMaxMm: number;
}

export interface LevelDxa {
  level: SpineLevel;
  areaCm2: number;
  /** Bone mineral content of the spine's own bone, and of everything else mineralised in the box (aortic calcification, ribs). */
  spineBmcG: number;
  otherBmcG: number;
}

/** Mineral projected above this counts as bone (DXA's bone-edge detection), g/cm2. */
export const BONE_EDGE_G_PER_CM2 = 0.02;
export const DXA_LEVELS = ['L1', 'L2', 'L3', 'L4'] as const;

/**
 * The L1-L4 ROI boxes: across, the body's width plus 4 mm each side; along the spine, from the
 * middle of the disc below to the middle of the disc above (where DXA software puts its lines).
 */
export function dxaRoiBoxes(spine: SpineShape): DxaRoiBox[] {
  const index = (level: SpineLevel): number => spine.vertebrae.findIndex((v) => v.level === level);
  const top = (v: VertebraShape): number => along(v, 0, 0, v.halfHeightMm)[2];
  const bottom = (v: VertebraShape): number => along(v, 0, 0, -v.halfHeightMm)[2];
  return DXA_LEVELS.map((level) => {
    const v = spine.vertebrae[index(level)]!;
    const above = spine.vertebrae[index(level) - 1]!;
    // Above a sacralised L5, L4 sits on the sacrum: its lower line is the middle of its own disc.
    const below = spine.vertebrae[index(level) + 1];
    return {
      level,
      xMinMm: v.centerMm[0] - v.semiMm[0] - 4,
      xMaxMm: v.centerMm[0] + v.semiMm[0] + 4,
      zMinMm: below === undefined ? bottom(v) - v.discBelowMm / 2 : (bottom(v) + top(below)) / 2,
      zMaxMm: (top(v) + bottom(above)) / 2,
    };
  });
}

/**
 * AP aBMD as DXA measures it: a parallel (pencil-beam) projection of all hydroxyapatite; bone area
 * = pixels of each ROI box where the spine's own mineral exceeds the bone edge; BMC = all mineral
 * over those pixels, so osteophytes and aortic calcification in the box raise it as they do on a
 * real scanner. Spine and other mineral are kept apart so the spine can be scaled to a target.
 */
export function lumbarDxa(phantom: DigitalPhantom, spineRegions: SpineRegions, spine: SpineShape, ap: ProjectionGeometry): LevelDxa[] {
  const parallel = parallelVersion(ap);
  const boxes = dxaRoiBoxes(spine);
  const yMid = spine.vertebrae.find((v) => v.level === 'L3')!.centerMm[1];
  const corners = boxes.flatMap((b) => [
    projectPointToDetector(parallel, [b.xMinMm, yMid, b.zMinMm]),
    projectPointToDetector(parallel, [b.xMaxMm, yMid, b.zMaxMm]),
  ]);
  const i0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[0]))) - 1);
  const i1 = Math.min(ap.columns - 1, Math.ceil(Math.max(...corners.map((c) => c[0]))) + 1);
  const j0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[1]))) - 1);
  const j1 = Math.min(ap.rows - 1, Math.ceil(Math.max(...corners.map((c) => c[1]))) + 1);
  const s = parallel.pixelSpacingMm;
  const window = detectorWindow(parallel, i0, j0, i1, j1);
  const isSpine = (region: number): boolean => spineRegions.vertebraCode.has(region);
  const spineMineral = projectPhantom(phantom, window, ['hydroxyapatite'], isSpine).mineralGPerCm2;
  const otherMineral = projectPhantom(phantom, window, ['hydroxyapatite'], (r) => !isSpine(r)).mineralGPerCm2;
  const pixelCm2 = (s / 10) ** 2;
  return boxes.map((box) => {
    const [bi0, bj0] = projectPointToDetector(window, [box.xMinMm, yMid, box.zMaxMm]);
    const [bi1, bj1] = projectPointToDetector(window, [box.xMaxMm, yMid, box.zMinMm]);
    let area = 0;
    let spineBmc = 0;
    let otherBmc = 0;
    for (let j = Math.ceil(Math.min(bj0, bj1)); j <= Math.max(bj0, bj1); j++) {
      for (let i = Math.ceil(Math.min(bi0, bi1)); i <= Math.max(bi0, bi1); i++) {
        if (i < 0 || j < 0 || i >= window.columns || j >= window.rows) continue;
        const p = j * window.columns + i;
        if (spineMineral[p]! <= BONE_EDGE_G_PER_CM2) continue;
        area += pixelCm2;
        spineBmc += spineMineral[p]! * pixelCm2;
        otherBmc += otherMineral[p]! * pixelCm2;
      }
    }
    return { level: box.level, areaCm2: area, spineBmcG: spineBmc, otherBmcG: otherBmc };
  });
}

/** L1-L4 aBMD = total BMC / total area, g/cm2. */
export function totalAbmd(levels: readonly LevelDxa[]): number {
  const area = levels.reduce((s, l) => s + l.areaCm2, 0);
  return levels.reduce((s, l) => s + l.spineBmcG + l.otherBmcG, 0) / area;
}
