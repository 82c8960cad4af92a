import type { SeededRandom } from '../../core/seeded-random.js';
import type { MaterialCatalog } from '../material-catalog.js';
import type { XRaySpectrum } from '../x-ray-spectrum.js';
import type { ReconstructionKernel } from './filtered-back-projection.js';
import { filteredBackProjection } from './filtered-back-projection.js';
import type { ParallelGeometry } from './parallel-projection.js';
import { projectParallel } from './parallel-projection.js';

/** How a slice is scanned and reconstructed. */
export interface PolychromaticScan {
  spectrum: XRaySpectrum;
  geometry: ParallelGeometry;
  kernel: ReconstructionKernel;
  /** Photons per detector bin per view without the patient (sets quantum noise); Infinity for none. */
  photonsPerRay: number;
  /** Apply the scanner's water beam-hardening correction (as every clinical scanner does); false shows raw cupping. */
  waterCorrection: boolean;
}

/** Longest water path the correction table covers, g/cm2 (a 60 cm patient). */
const MAX_WATER_PATH = 60;
const TABLE_STEP = 0.05;

/**
 * Attenuation line integral an energy-integrating detector reports behind a path of water and
 * hydroxyapatite (g/cm2): -ln of the transmitted energy fluence over the unattenuated.
 */
function measuredLineIntegral(spectrum: XRaySpectrum, muWater: Float64Array, muHa: Float64Array, waterPath: number, haPath: number): number {
  let transmitted = 0;
  let incident = 0;
  spectrum.energiesKeV.forEach((e, k) => {
    const fluence = spectrum.photons[k]! * e;
    incident += fluence;
    transmitted += fluence * Math.exp(-muWater[k]! * waterPath - muHa[k]! * haPath);
  });
  return -Math.log(transmitted / incident);
}

/**
 * A slice scanned with a polychromatic beam and reconstructed as clinical scanners do: the basis
 * densities (water, hydroxyapatite; see basisDensities) projected along parallel rays, the
 * transmitted energy fluence summed over the spectrum (so dense and large objects harden the beam),
 * quantum noise from the photons each ray keeps, the water beam-hardening correction (each
 * measurement mapped to the water path that would give it, so water reads the same everywhere and
 * bone, which hardens the beam more than water, does not), filtered back-projection, and HU from
 * the water-equivalent density (water 0, vacuum -1000).
 */
export function acquirePolychromaticSlice(
  catalog: MaterialCatalog,
  maps: { waterGPerCm3: Float32Array; hydroxyapatiteGPerCm3: Float32Array },
  scan: PolychromaticScan,
  random: SeededRandom,
): Float32Array {
  const { spectrum, geometry } = scan;
  const muWater = Float64Array.from(spectrum.energiesKeV, (e) => catalog.get('water').massAttenuation(e));
  const muHa = Float64Array.from(spectrum.energiesKeV, (e) => catalog.get('hydroxyapatite').massAttenuation(e));
  const waterPath = projectParallel(maps.waterGPerCm3, geometry);
  const haPath = projectParallel(maps.hydroxyapatiteGPerCm3, geometry);
  // The water-only curve p(L), for the correction and for the reference attenuation of water.
  const table = new Float64Array(Math.round(MAX_WATER_PATH / TABLE_STEP) + 1);
  for (let n = 0; n < table.length; n++) table[n] = measuredLineIntegral(spectrum, muWater, muHa, n * TABLE_STEP, 0);
  // Without correction the line integral is scaled by water's attenuation in the thinnest layer.
  const muWaterThin = table[1]! / TABLE_STEP;
  const toWaterPath = (p: number): number => {
    if (!scan.waterCorrection) return p / muWaterThin;
    let lo = 0;
    let hi = table.length - 1;
    if (p >= table[hi]!) return hi * TABLE_STEP;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (table[mid]! <= p) lo = mid;
      else hi = mid;
    }
    const f = (p - table[lo]!) / (table[hi]! - table[lo]!);
    return (lo + f) * TABLE_STEP;
  };
  const corrected = new Float32Array(waterPath.length);
  for (let r = 0; r < waterPath.length; r++) {
    let p = measuredLineIntegral(spectrum, muWater, muHa, waterPath[r]!, haPath[r]!);
    if (Number.isFinite(scan.photonsPerRay)) {
      // Detected quanta N0 T: var(-ln T) = 1 / (N0 T) (counting statistics, the energy weighting neglected).
      const kept = scan.photonsPerRay * Math.exp(-p);
      p += random.nextNormal() / Math.sqrt(Math.max(1, kept));
    }
    corrected[r] = toWaterPath(p);
  }
  const density = filteredBackProjection(corrected, geometry, scan.kernel);
  return density.map((rho) => 1000 * (rho - 1));
}
