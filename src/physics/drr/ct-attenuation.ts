import type { MaterialCatalog } from '../material-catalog.js';

/**
 * The default effective energy of the CT that made the volume: 120 kVp, the usual abdominal
 * protocol, behind a patient's worth of filtration is about 70 keV (its HU of bone are those of
 * hydroxyapatite at that energy). A parameter, not a fit: `drr --ct-kev` changes it.
 */
export const DEFAULT_CT_EFFECTIVE_KEV = 70;

/**
 * HU -> the linear attenuation coefficient (per mm) of a radiograph's beam at `beamKeV`, from the
 * NIST tables (data/physics): at or below 0 HU the voxel is water diluted by air, mu = mu_water (1 +
 * HU / 1000), clipped at 0 (air; fat reads a little below water); above 0 HU it is water plus
 * hydroxyapatite at the concentration that gives its HU at the CT's effective energy, c = HU / 1000
 * x (mu/rho)_water / (mu/rho)_HA at `ctKeV` g/cm3. Bone gains contrast over soft tissue at the
 * lower energies of radiography, as on a radiograph.
 */
export function ctAttenuationPerMm(o: { catalog: MaterialCatalog; beamKeV: number; ctKeV: number }): (hu: number) => number {
  const water = o.catalog.get('water');
  const mineral = o.catalog.get('hydroxyapatite');
  const mineralGPerCm3PerHu = hydroxyapatiteGPerCm3PerHu(o);
  // Water is 1 g/cm3: mu (per cm) = mu/rho; per mm, / 10.
  const muWaterPerMm = water.massAttenuation(o.beamKeV) / 10;
  const muMineralPerMmPerGPerCm3 = mineral.massAttenuation(o.beamKeV) / 10;
  return (hu) => (hu > 0 ? muWaterPerMm + hu * mineralGPerCm3PerHu * muMineralPerMmPerGPerCm3 : Math.max(0, 1 + hu / 1000) * muWaterPerMm);
}

/**
 * The hydroxyapatite concentration (g/cm3) one HU above water stands for at the CT's effective
 * energy, in the same water-plus-mineral model: (mu/rho)_water / (mu/rho)_HA / 1000 (NIST tables).
 */
export function hydroxyapatiteGPerCm3PerHu(o: { catalog: MaterialCatalog; ctKeV: number }): number {
  return o.catalog.get('water').massAttenuation(o.ctKeV) / o.catalog.get('hydroxyapatite').massAttenuation(o.ctKeV) / 1000;
}
