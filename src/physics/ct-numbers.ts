import type { Composition } from './composition.js';
import { mineralised } from './composition.js';
import type { MaterialCatalog } from './material-catalog.js';

/** Linear attenuation of a composition at one energy, 1/cm. */
export function linearAttenuationPerCm(catalog: MaterialCatalog, composition: Composition, energyKeV: number): number {
  let mu = 0;
  for (const part of composition) mu += part.gPerCm3 * catalog.get(part.material).massAttenuation(energyKeV);
  return mu;
}

/** HU = 1000 (mu - mu_water) / (mu_water - mu_air) at the scan's effective energy. */
export function hounsfieldUnits(catalog: MaterialCatalog, composition: Composition, energyKeV: number): number {
  const water = catalog.get('water');
  const air = catalog.get('air');
  const muWater = water.densityGPerCm3 * water.massAttenuation(energyKeV);
  const muAir = air.densityGPerCm3 * air.massAttenuation(energyKeV);
  return (1000 * (linearAttenuationPerCm(catalog, composition, energyKeV) - muWater)) / (muWater - muAir);
}

/** HU of one mg/cm3 of hydroxyapatite dissolved in water at this energy (the contrast of bone mineral). */
export function hydroxyapatiteHuPerMgPerCm3(catalog: MaterialCatalog, energyKeV: number): number {
  const water: Composition = [{ material: 'water', gPerCm3: 1 }];
  return (hounsfieldUnits(catalog, mineralised(water, 100), energyKeV) - hounsfieldUnits(catalog, water, energyKeV)) / 100;
}
