import type { SeededRandom } from '../../core/seeded-random.js';
import type { MaterialCatalog } from '../material-catalog.js';
import type { XRaySpectrum } from '../x-ray-spectrum.js';
import type { ReconstructionKernel } from './filtered-back-projection.js';
import { energyIntegratingDetector } from './energy-integrating-detector.js';
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
  const detector = energyIntegratingDetector(catalog, spectrum);
  const waterPath = projectParallel(maps.waterGPerCm3, geometry);
  const haPath = projectParallel(maps.hydroxyapatiteGPerCm3, geometry);
  const corrected = new Float32Array(waterPath.length);
  for (let r = 0; r < waterPath.length; r++) {
    let p = detector.lineIntegral(waterPath[r]!, haPath[r]!);
    if (Number.isFinite(scan.photonsPerRay)) {
      // Detected quanta N0 T: var(-ln T) = 1 / (N0 T) (counting statistics, the energy weighting neglected).
      const kept = scan.photonsPerRay * Math.exp(-p);
      p += random.nextNormal() / Math.sqrt(Math.max(1, kept));
    }
    corrected[r] = detector.waterPath(p, scan.waterCorrection);
  }
  const density = filteredBackProjection(corrected, geometry, scan.kernel);
  return density.map((rho) => 1000 * (rho - 1));
}
