import type { MaterialCatalog } from '../material-catalog.js';
import type { XRaySpectrum } from '../x-ray-spectrum.js';

/** Longest water path the correction table covers, g/cm2 (a 60 cm patient). */
const MAX_WATER_PATH = 60;
const TABLE_STEP = 0.05;

/** What an energy-integrating CT detector reports for a spectrum, and the scanner's water correction of it. */
export interface EnergyIntegratingDetector {
  /** -ln of the transmitted energy fluence over the unattenuated, behind paths of water and hydroxyapatite (g/cm2). */
  lineIntegral(waterPath: number, haPath: number): number;
  /** The water path (g/cm2) a measured line integral stands for: through the water-only curve, or, uncorrected, scaled by water's attenuation in the thinnest layer. */
  waterPath(lineIntegral: number, corrected: boolean): number;
}

const prepared = new WeakMap<XRaySpectrum, EnergyIntegratingDetector>();

/**
 * The detector of a spectrum, prepared once (attenuation at each energy, the water-only curve
 * p(L) the correction inverts) and kept for every slice scanned with that spectrum.
 */
export function energyIntegratingDetector(catalog: MaterialCatalog, spectrum: XRaySpectrum): EnergyIntegratingDetector {
  const known = prepared.get(spectrum);
  if (known !== undefined) return known;
  const muWater = Float64Array.from(spectrum.energiesKeV, (e) => catalog.get('water').massAttenuation(e));
  const muHa = Float64Array.from(spectrum.energiesKeV, (e) => catalog.get('hydroxyapatite').massAttenuation(e));
  const lineIntegral = (waterPath: number, haPath: number): number => {
    let transmitted = 0;
    let incident = 0;
    spectrum.energiesKeV.forEach((e, k) => {
      const fluence = spectrum.photons[k]! * e;
      incident += fluence;
      transmitted += fluence * Math.exp(-muWater[k]! * waterPath - muHa[k]! * haPath);
    });
    return -Math.log(transmitted / incident);
  };
  const table = new Float64Array(Math.round(MAX_WATER_PATH / TABLE_STEP) + 1);
  for (let n = 0; n < table.length; n++) table[n] = lineIntegral(n * TABLE_STEP, 0);
  const muWaterThin = table[1]! / TABLE_STEP;
  const waterPath = (p: number, corrected: boolean): number => {
    if (!corrected) return p / muWaterThin;
    let lo = 0;
    let hi = table.length - 1;
    if (p >= table[hi]!) return hi * TABLE_STEP;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (table[mid]! <= p) lo = mid;
      else hi = mid;
    }
    return (lo + (p - table[lo]!) / (table[hi]! - table[lo]!)) * TABLE_STEP;
  };
  const detector = { lineIntegral, waterPath };
  prepared.set(spectrum, detector);
  return detector;
}
