import type { MaterialCatalog } from './material-catalog.js';
import { PolychromaticBeam } from './polychromatic-beam.js';
import { kramersSpectrum } from './x-ray-spectrum.js';

/**
 * The monoenergetic energy that attenuates like the scanner's polychromatic beam after a patient-
 * sized water path (the beam a CT reconstruction effectively sees): mu_water(E_eff) equals the
 * effective attenuation of `waterPathCm` of water. Found by bisection (mu_water falls with E).
 */
export function effectiveEnergyKeV(catalog: MaterialCatalog, kVp: number, aluminiumMm: number, waterPathCm: number): number {
  const spectrum = kramersSpectrum(catalog, { kVp, aluminiumMm, binWidthKeV: 1, minimumKeV: 15 });
  const beam = new PolychromaticBeam(catalog, spectrum, undefined, ['water']);
  const target = beam.effectiveAttenuationPerCm('water', 1, waterPathCm);
  const water = catalog.get('water');
  let lo = 15;
  let hi = kVp;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (water.massAttenuation(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
