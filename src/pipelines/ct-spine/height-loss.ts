import type { TargetLevel } from './ct-spine-networks.js';

/** A level whose segmented height is below this share of the other levels' (each scaled to its level) counts as fracture-like height loss. */
export const HEIGHT_LOSS_RATIO = 0.8;

/**
 * Each target level's body height relative to L1's in an intact spine. Vertebral body height rises
 * most steeply from T9 to L1, by about 6.5 % a level in women and men alike (Palm et al., Sci Rep
 * 2025;15, doi 10.1038/s41598-025-05091-0: CT of 3,117 vertebrae of 262 adults), so T12 is about
 * 1 / 1.065 of L1. L2 is taken as L1's height: below L1 the rise flattens (the source's steepest
 * segment ends at L1), and a larger L2 factor would only make the rule stricter for L2.
 */
export const RELATIVE_BODY_HEIGHT: Readonly<Record<TargetLevel, number>> = { T12: 1 / 1.065, L1: 1, L2: 1 };

export interface LevelHeight {
  readonly level: TargetLevel;
  readonly heightMm: number;
}

export interface HeightLossFinding {
  readonly level: TargetLevel;
  readonly heightMm: number;
  /** The other levels' median height, scaled to this level's expected height, mm. */
  readonly referenceMm: number;
}

/**
 * Levels much lower than the others, as QCT excludes fractured vertebrae: each level's height
 * against the median of the others' (the upper one of two), every height first scaled to the level
 * compared, so a T12 about 6 % lower than L1-L2 is not taken for a fracture.
 */
export function fractureLikeHeightLoss(levels: readonly LevelHeight[]): HeightLossFinding[] {
  if (levels.length < 2) return [];
  const findings: HeightLossFinding[] = [];
  for (const [index, level] of levels.entries()) {
    const scale = RELATIVE_BODY_HEIGHT[level.level];
    const others = levels
      .filter((_, j) => j !== index)
      .map((o) => (o.heightMm * scale) / RELATIVE_BODY_HEIGHT[o.level])
      .sort((a, b) => a - b);
    const referenceMm = others[Math.floor(others.length / 2)]!;
    if (level.heightMm < HEIGHT_LOSS_RATIO * referenceMm) findings.push({ level: level.level, heightMm: level.heightMm, referenceMm });
  }
  return findings;
}
