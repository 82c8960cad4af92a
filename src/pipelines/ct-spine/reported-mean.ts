import type { TargetLevel } from './ct-spine-networks.js';

/** A case's levels as far as their calibrated values go. */
type LevelValues = readonly ({ level: TargetLevel } & Record<LevelValueKey, number | null>)[];

function meanOver(values: (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === values.length && v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

export type LevelValueKey = 'rodsMgPerCm3' | 'phantomlessMgPerCm3' | 'densenetMgPerCm3';

/** A method's mean over the reported levels (null unless every reported level has it). */
export function reportedMean(reported: { levels: readonly TargetLevel[] } | null, levels: LevelValues, key: LevelValueKey): number | null {
  return reported === null ? null : meanOver(reported.levels.map((level) => levels.find((l) => l.level === level)![key]));
}
