import type { MaterialName } from './material-catalog.js';

/**
 * What one region of a phantom is made of, as partial densities (g of each material per cm3 of the
 * region). Bone is a soft base plus hydroxyapatite: trabecular bone at vBMD v mg/cm3 is marrow
 * with v/1000 g/cm3 of HA, the marrow displaced by the HA's volume (v / 3160 of the region).
 */
export interface CompositionPart {
  readonly material: MaterialName;
  readonly gPerCm3: number;
}

export type Composition = readonly CompositionPart[];

/** Crystal density of hydroxyapatite, mg/cm3 (../shared/physics/README.md). */
export const HA_CRYSTAL_MG_PER_CM3 = 3160;

/** A soft material at its catalog density with HA mixed in at haMgPerCm3 (displacing the base). */
export function mineralised(base: readonly CompositionPart[], haMgPerCm3: number): Composition {
  return dissolved(base, 'hydroxyapatite', haMgPerCm3, HA_CRYSTAL_MG_PER_CM3);
}

/**
 * A base with a salt or mineral mixed in at mgPerCm3, displacing its own volume of the base (a
 * calibration rod of K2HPO4 solution or HA in resin; bone mineral in marrow).
 */
export function dissolved(base: readonly CompositionPart[], material: MaterialName, mgPerCm3: number, crystalMgPerCm3: number): Composition {
  const remaining = 1 - mgPerCm3 / crystalMgPerCm3;
  const parts = base.map((p) => ({ material: p.material, gPerCm3: p.gPerCm3 * remaining }));
  if (mgPerCm3 > 0) parts.push({ material, gPerCm3: mgPerCm3 / 1000 });
  return parts;
}

export function haMgPerCm3Of(composition: Composition): number {
  let sum = 0;
  for (const p of composition) if (p.material === 'hydroxyapatite') sum += p.gPerCm3 * 1000;
  return sum;
}
