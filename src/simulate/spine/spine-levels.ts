/** The levels the typical spine phantom is built of, cranial to caudal, with their VerSe label codes. */
export const SPINE_LEVELS = ['T6', 'T7', 'T8', 'T9', 'T10', 'T11', 'T12', 'L1', 'L2', 'L3', 'L4', 'L5'] as const;
/** Every level a phantom may hold: L6 is the mobile sixth lumbar vertebra of 25 presacral vertebrae (VerSe code 25). */
export const ALL_SPINE_LEVELS = [...SPINE_LEVELS, 'L6'] as const;
export type SpineLevel = (typeof ALL_SPINE_LEVELS)[number];

/** VerSe challenge label convention: C1-C7 = 1-7, T1-T12 = 8-19, L1-L5 = 20-24, L6 = 25, sacrum = 26. */
export function verseCode(level: SpineLevel | 'sacrum'): number {
  if (level === 'sacrum') return 26;
  const n = Number(level.slice(1));
  return level.startsWith('T') ? 7 + n : 19 + n;
}

export const SACRUM_CODE = 26;

/**
 * The sacrum's bit in a radiograph projection's mask (the levels take bits 0-12 in ALL_SPINE_LEVELS'
 * order): the label images show it as SACRUM_CODE, so a locator can learn where the sacrum is and
 * count from it. It only labels: the room's markers keep clear of the spine's levels as before it
 * existed, so every image is what it was.
 */
export const SACRUM_MASK_BIT = 1 << 15;
