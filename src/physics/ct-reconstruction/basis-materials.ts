import type { Composition } from '../composition.js';
import type { MaterialCatalog } from '../material-catalog.js';
import type { XRaySpectrum } from '../x-ray-spectrum.js';

/** A composition's attenuation as water plus hydroxyapatite: g/cm3 of each that attenuate alike across the spectrum. */
export interface BasisDensities {
  waterGPerCm3: number;
  hydroxyapatiteGPerCm3: number;
}

/**
 * Two basis materials reproduce the attenuation of any body tissue across diagnostic energies
 * (Alvarez & Macovski, Phys Med Biol 1976;21:733-44: photoelectric absorption and Compton
 * scattering are the two processes below 150 keV, and no tissue element has a K-edge above
 * 4 keV). Water and hydroxyapatite are fitted by least squares over the spectrum's energies,
 * weighted by its photons; fat comes out as a little less than its mass of water and a slightly
 * negative hydroxyapatite, as its low atomic number asks.
 */
export function basisDensities(catalog: MaterialCatalog, composition: Composition, spectrum: XRaySpectrum): BasisDensities {
  const water = catalog.get('water');
  const ha = catalog.get('hydroxyapatite');
  let sww = 0;
  let swh = 0;
  let shh = 0;
  let swy = 0;
  let shy = 0;
  spectrum.energiesKeV.forEach((e, k) => {
    const weight = spectrum.photons[k]!;
    const w = water.massAttenuation(e);
    const h = ha.massAttenuation(e);
    let y = 0;
    for (const part of composition) y += part.gPerCm3 * catalog.get(part.material).massAttenuation(e);
    sww += weight * w * w;
    swh += weight * w * h;
    shh += weight * h * h;
    swy += weight * w * y;
    shy += weight * h * y;
  });
  const det = sww * shh - swh * swh;
  return { waterGPerCm3: (swy * shh - shy * swh) / det, hydroxyapatiteGPerCm3: (sww * shy - swh * swy) / det };
}
