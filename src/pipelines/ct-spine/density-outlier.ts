import type { TargetLevel } from './ct-spine-networks.js';

/**
 * A level much denser than the two others while those two agree is left out, as densitometry leaves
 * out an anatomically abnormal vertebra (ISCD 2019 Adult Official Positions: a vertebra more than 1.0
 * T-score from its neighbours may be excluded). On CT such a level is most often a compression
 * fracture, its trabeculae compacted (a mild wedge that the height rule passes), or sclerosis
 * (endplate, metastasis); either way its mineral is not the spine's. Relative to the neighbours'
 * mean, with an absolute floor for a very osteoporotic spine, where a few mg/cm3 are a large share.
 * The share and the floor were chosen on development cohorts (docs/ct-spine.md).
 */
export const DENSER_SHARE = 0.2;
export const DENSER_FLOOR_MG_PER_CM3 = 10;

export interface LevelDensity {
  readonly level: TargetLevel;
  readonly mgPerCm3: number;
}

export interface DensityOutlier {
  readonly level: TargetLevel;
  readonly mgPerCm3: number;
  /** The mean of the two other levels, mg/cm3. */
  readonly neighboursMgPerCm3: number;
}

/** The level (of three) denser than the mean of the two others by more than the margin, when those two agree within it; none otherwise. */
export function denserThanNeighbours(levels: readonly LevelDensity[]): DensityOutlier[] {
  if (levels.length !== 3) return [];
  const found: DensityOutlier[] = [];
  for (const [index, level] of levels.entries()) {
    const others = levels.filter((_, j) => j !== index).map((o) => o.mgPerCm3);
    const mean = (others[0]! + others[1]!) / 2;
    const margin = Math.max(DENSER_SHARE * mean, DENSER_FLOOR_MG_PER_CM3);
    if (Math.abs(others[0]! - others[1]!) <= margin && level.mgPerCm3 - mean > margin)
      found.push({ level: level.level, mgPerCm3: level.mgPerCm3, neighboursMgPerCm3: mean });
  }
  return found;
}
