import { SeededRandom } from '../../../core/seeded-random.js';

/** The share of persons held out of the networks' training (to fit the BMD lines on, and to check stage three). */
const CALIBRATION_SHARE = 0.25;

/**
 * The persons held out: a quarter of them (at least two, a line needs a spread of BMD), drawn by the
 * seed from their sorted IDs, so the same persons and seed always hold out the same persons.
 */
export function heldOutPersons(persons: Iterable<string>, seed: number): Set<string> {
  const sorted = [...new Set(persons)].sort();
  return new Set(new SeededRandom(seed).shuffled(sorted).slice(0, Math.max(2, Math.round(CALIBRATION_SHARE * sorted.length))));
}
