import type { Point3 } from '../core/geometry.js';
import type { DrrGeometry } from '../physics/drr/drr-geometry.js';
import { drrRays } from '../physics/drr/drr-geometry.js';
import type { DrrVolume } from '../physics/drr/drr-volume.js';
import { renderDrr } from '../physics/drr/render-drr.js';
import { minimizeCmaEs } from './cma-es.js';
import type { GreyImage } from './gradient-correlation.js';
import { gradientCorrelation } from './gradient-correlation.js';
import type { RigidPose } from './rigid-pose.js';
import { IDENTITY_POSE, raysSeeingPose } from './rigid-pose.js';

export interface RegistrationLevel {
  /** The radiograph and the DRR are both binned by this factor (a coarse level first). */
  binning: number;
  /** CMA-ES's initial step, in units of the scales below. */
  sigma: number;
  maxEvaluations: number;
}

export interface RegisterCtOptions {
  volume: DrrVolume;
  /** The radiograph's geometry (rows and columns of `radiograph`). */
  geometry: DrrGeometry;
  radiograph: GreyImage;
  /** What the rotations turn about, usually the structure registered (a femoral head, a vertebra). */
  centreMm: Point3;
  start?: RigidPose;
  /** One step of the search: degrees of rotation and mm of translation (default 2 and 5). */
  rotationScaleDeg?: number;
  translationScaleMm?: number;
  levels?: readonly RegistrationLevel[];
  /** Pixels compared (after binning the full-size mask): e.g. the field inside the collimation. */
  mask?: Uint8Array;
  /** The search stays within these of the start (degrees about each axis, mm along each); unbounded when absent. */
  limits?: { rotationDeg: number; translationMm: number };
  seed: number;
}

export interface RegisterCtResult {
  pose: RigidPose;
  gradientCorrelation: number;
  evaluations: number;
  seconds: number;
}

/** Coarse to fine: 4 x 4 binning then 2 x 2, as a multi-resolution registration starts off the pose. */
export const DEFAULT_LEVELS: readonly RegistrationLevel[] = [
  { binning: 4, sigma: 1, maxEvaluations: 400 },
  { binning: 2, sigma: 0.3, maxEvaluations: 300 },
];

/** Mean of each binning x binning block (a partial block at the edge is dropped). */
function binImage(image: GreyImage, binning: number): GreyImage {
  const rows = Math.floor(image.rows / binning);
  const columns = Math.floor(image.columns / binning);
  const data = new Float32Array(rows * columns);
  for (let r = 0; r < rows * binning; r++)
    for (let c = 0; c < columns * binning; c++) data[Math.floor(r / binning) * columns + Math.floor(c / binning)]! += image.data[r * image.columns + c]!;
  const area = binning * binning;
  for (let p = 0; p < data.length; p++) data[p]! /= area;
  return { data, rows, columns };
}

function binMask(mask: Uint8Array, image: GreyImage, binning: number): Uint8Array {
  const binned = binImage({ data: Float32Array.from(mask), rows: image.rows, columns: image.columns }, binning);
  return Uint8Array.from(binned.data, (v) => (v >= 0.5 ? 1 : 0));
}

const toPose = (x: readonly number[], rotationScale: number, translationScale: number): RigidPose => ({
  rotationDeg: [x[0]! * rotationScale, x[1]! * rotationScale, x[2]! * rotationScale],
  translationMm: [x[3]! * translationScale, x[4]! * translationScale, x[5]! * translationScale],
});

/**
 * The gradient correlation of the DRR at a pose with the radiograph, both binned: for exhaustive
 * searches that start a registration (a grid of translations, say).
 */
export function poseScorer(
  o: Pick<RegisterCtOptions, 'volume' | 'geometry' | 'radiograph' | 'centreMm' | 'mask'>,
  binning: number,
): (pose: RigidPose) => number {
  const fixed = binImage(o.radiograph, binning);
  const mask = o.mask === undefined ? undefined : binMask(o.mask, o.radiograph, binning);
  const rays = binnedRays(o.geometry, fixed, binning);
  return (pose) => {
    const moving = renderDrr({ volume: o.volume, rays: raysSeeingPose(rays, pose, o.centreMm) });
    return gradientCorrelation({ fixed, moving: { data: moving, rows: fixed.rows, columns: fixed.columns }, ...(mask === undefined ? {} : { mask }) });
  };
}

/** The geometry's rays for the binned detector. */
function binnedRays(geometry: DrrGeometry, fixed: GreyImage, binning: number): ReturnType<typeof drrRays> {
  return drrRays({
    ...geometry,
    rows: fixed.rows,
    columns: fixed.columns,
    pixelMm: [geometry.pixelMm[0] * binning, geometry.pixelMm[1] * binning],
    ...(geometry.centrePx === undefined
      ? {}
      : { centrePx: [(geometry.centrePx[0] + 0.5) / binning - 0.5, (geometry.centrePx[1] + 0.5) / binning - 0.5] as const }),
  });
}

/**
 * Seed 001's 2D-3D registration: the rigid pose of a CT that makes its DRR look like the radiograph,
 * by gradient correlation (edges, so the rooms' processing matters little) maximised with CMA-ES,
 * coarse to fine. The CT is not resampled: each candidate pose moves the source and the detector.
 */
export function registerCtToRadiograph(o: RegisterCtOptions): RegisterCtResult {
  const started = performance.now();
  const rotationScale = o.rotationScaleDeg ?? 2;
  const translationScale = o.translationScaleMm ?? 5;
  const start = o.start ?? IDENTITY_POSE;
  let x = [...start.rotationDeg.map((d) => d / rotationScale), ...start.translationMm.map((t) => t / translationScale)];
  let evaluations = 0;
  let best = -Infinity;
  const origin = [...x];
  const limitExcess = (candidate: readonly number[]): number => {
    if (o.limits === undefined) return 0;
    let excess = 0;
    candidate.forEach((v, i) => {
      const limit = i < 3 ? o.limits!.rotationDeg / rotationScale : o.limits!.translationMm / translationScale;
      excess += Math.max(0, Math.abs(v - origin[i]!) - limit);
    });
    return excess;
  };
  for (const [index, level] of (o.levels ?? DEFAULT_LEVELS).entries()) {
    const fixed = binImage(o.radiograph, level.binning);
    const mask = o.mask === undefined ? undefined : binMask(o.mask, o.radiograph, level.binning);
    const rays = binnedRays(o.geometry, fixed, level.binning);
    const objective = (candidate: readonly number[]): number => {
      const excess = limitExcess(candidate);
      // Outside the limits: worse than any correlation, and worse the farther out.
      if (excess > 0) return 1 + excess;
      const moving = renderDrr({ volume: o.volume, rays: raysSeeingPose(rays, toPose(candidate, rotationScale, translationScale), o.centreMm) });
      return -gradientCorrelation({ fixed, moving: { data: moving, rows: fixed.rows, columns: fixed.columns }, ...(mask === undefined ? {} : { mask }) });
    };
    const found = minimizeCmaEs({ objective, start: x, sigma: level.sigma, seed: o.seed + index, maxEvaluations: level.maxEvaluations, tolX: 0.005 });
    evaluations += found.evaluations;
    x = found.x;
    best = -found.value;
  }
  return { pose: toPose(x, rotationScale, translationScale), gradientCorrelation: best, evaluations, seconds: (performance.now() - started) / 1000 };
}
