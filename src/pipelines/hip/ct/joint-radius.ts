import type { Point3, Vector3 } from '../../../core/geometry.js';
import type { VolumeGrid } from '../../../imaging/volume/volume-grid.js';
import { sampleTrilinear } from '../../../imaging/volume/sample-trilinear.js';

/** Where the joint space is looked for, mm from the head centre (adult heads 19-28 mm, plus cartilage). */
const JOINT_SEARCH_MM: readonly [number, number] = [16, 31];
const STEP_MM = 0.5;
/** How far either side of a candidate the bone of the head and of the socket is looked for, mm. */
const FLANK_MM = 8;
const DIRECTIONS = 400;
/** A dip this deep (HU) is a joint space seen; shallower, the head's surface is used. */
const MIN_DIP_HU = 20;

export interface JointRadiusSearch {
  grid: VolumeGrid;
  smoothHu: Float32Array;
  /** Head centre, mm from voxel (0, 0, 0). */
  centreMm: Point3;
}

export interface JointRadius {
  radiusMm: number;
  /** Whether the radius is a joint space seen or the head's surface (no space resolved). */
  how: 'joint space' | 'head surface';
}

/**
 * The joint space's radius about the head centre: the HU averaged over spheres of growing radius
 * (every direction, so one noisy ray or the neck's exit does not decide) dips between the head's
 * bone and the socket's; the radius where that dip is deepest below the lower of its two flanks.
 */
export function findJointRadius(search: JointRadiusSearch): JointRadius {
  const directions = fibonacciSphere(DIRECTIONS);
  const steps = Math.round((JOINT_SEARCH_MM[1] + FLANK_MM) / STEP_MM);
  const profile: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const r = s * STEP_MM;
    let sum = 0;
    for (const u of directions)
      sum += sampleTrilinear(search.grid, search.smoothHu, [search.centreMm[0] + r * u[0], search.centreMm[1] + r * u[1], search.centreMm[2] + r * u[2]]);
    profile.push(sum / directions.length);
  }
  const flank = Math.round(FLANK_MM / STEP_MM);
  let best = Math.round(JOINT_SEARCH_MM[0] / STEP_MM);
  let bestDip = -Infinity;
  for (let s = Math.round(JOINT_SEARCH_MM[0] / STEP_MM); s <= Math.round(JOINT_SEARCH_MM[1] / STEP_MM); s++) {
    const inside = Math.max(...profile.slice(s - flank, s));
    const outside = Math.max(...profile.slice(s + 1, s + flank + 1));
    const dip = Math.min(inside, outside) - profile[s]!;
    if (dip > bestDip) {
      bestDip = dip;
      best = s;
    }
  }
  if (bestDip >= MIN_DIP_HU) return { radiusMm: best * STEP_MM, how: 'joint space' };
  return { radiusMm: steepestFallBeyondPeak(profile), how: 'head surface' };
}

/**
 * Where no joint space shows (cartilage thinner than the voxels), the head's surface: the steepest
 * fall of the mean within 4 mm beyond the brightest shell of the search range (the head's
 * subchondral cortex).
 */
function steepestFallBeyondPeak(profile: number[]): number {
  let peak = Math.round(JOINT_SEARCH_MM[0] / STEP_MM);
  for (let s = peak; s <= Math.round(JOINT_SEARCH_MM[1] / STEP_MM); s++) if (profile[s]! > profile[peak]!) peak = s;
  let steepest = peak;
  for (let s = peak; s < Math.min(profile.length - 1, peak + Math.round(4 / STEP_MM)); s++) {
    if (profile[s]! - profile[s + 1]! > profile[steepest]! - profile[steepest + 1]!) steepest = s;
  }
  return (steepest + 0.5) * STEP_MM;
}

/** Near-uniform unit vectors (the Fibonacci lattice). */
function fibonacciSphere(count: number): Vector3[] {
  const golden = Math.PI * (3 - Math.sqrt(5));
  return Array.from({ length: count }, (_, n) => {
    const z = 1 - (2 * (n + 0.5)) / count;
    const r = Math.sqrt(1 - z * z);
    return [r * Math.cos(golden * n), r * Math.sin(golden * n), z];
  });
}
