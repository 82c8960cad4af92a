import type { SeededRandom } from '../../core/seeded-random.js';
import type { SpineLevel } from './spine-levels.js';

/**
 * Posterior spinal fixation: bilateral pedicle screws in the levels of a fusion or a fracture
 * fixation, joined by a rod on each side. Sizes are those of common lumbar screw-rod systems
 * (assumed, not a published survey): screws 6.5 mm across and 45 mm long, converging 12 degrees
 * medially from their entry at the pedicle's back, tulip heads about 12 mm across, rods 5.5 mm.
 * The alloy is stainless steel (316L; titanium alloy is commoner today, but the physics tables here
 * have no titanium): either reads thousands of HU and casts streaks, which is what a method must
 * survive.
 */
export const PEDICLE_SCREW = { radiusMm: 3.25, lengthMm: 45, medialConvergenceDeg: 12, headRadiusMm: 6, rodRadiusMm: 2.75 } as const;

/**
 * The fixed segments and how often each is the one (assumed: degenerative fusions are commonest at
 * L4-L5, then L3-L4 and L5 alone here for L5-S1; a thoracolumbar fracture is fixed one level above
 * and below it, T12 to L2).
 */
const FIXED_SEGMENTS: readonly { levels: readonly SpineLevel[]; weight: number }[] = [
  { levels: ['L4', 'L5'], weight: 0.4 },
  { levels: ['L3', 'L4'], weight: 0.2 },
  { levels: ['L5'], weight: 0.1 },
  { levels: ['L2', 'L3'], weight: 0.1 },
  { levels: ['T12', 'L1', 'L2'], weight: 0.1 },
  { levels: ['L1', 'L2'], weight: 0.1 },
];

/**
 * The levels holding pedicle screws, or none: with chance `share` a segment of FIXED_SEGMENTS by
 * its weight, less any level the spine does not have (23 presacral vertebrae have no L5).
 */
export function drawFixedLevels(mobileLevels: readonly SpineLevel[], share: number, random: SeededRandom): SpineLevel[] {
  if (!(random.nextFloat() < share)) return [];
  const levels = random.nextWeighted(FIXED_SEGMENTS.map((s) => ({ value: s.levels, weight: s.weight })));
  return levels.filter((l) => mobileLevels.includes(l));
}
