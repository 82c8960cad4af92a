import type { MaterialCatalog, MaterialName } from './material-catalog.js';
import type { XRaySpectrum } from './x-ray-spectrum.js';

export interface DetectorModel {
  /** Scintillator thickness; CsI:Tl flat panels use about 0.4-0.6 mm. */
  cesiumIodideMm: number;
}

/**
 * A polychromatic beam seen by an energy-integrating detector, precomputed for a fixed list of
 * materials: the transmitted signal of a ray is sum_E w(E) exp(-sum_m mu/rho_m(E) a_m) with a_m
 * the ray's areal density of material m (g/cm2), and w(E) = N(E) * E * eta(E), eta the
 * scintillator's absorbed fraction. Quanta (for noise) weight by N(E) * eta(E) instead.
 */
export class PolychromaticBeam {
  readonly materials: readonly MaterialName[];
  private readonly muRho: Float64Array;
  private readonly energyWeight: Float64Array;
  private readonly quantaWeight: Float64Array;
  private readonly bins: number;

  constructor(catalog: MaterialCatalog, spectrum: XRaySpectrum, detector: DetectorModel | undefined, materials: readonly MaterialName[]) {
    this.materials = materials;
    this.bins = spectrum.energiesKeV.length;
    this.muRho = new Float64Array(materials.length * this.bins);
    this.energyWeight = new Float64Array(this.bins);
    this.quantaWeight = new Float64Array(this.bins);
    const csi = catalog.get('cesium-iodide');
    let energyTotal = 0;
    let quantaTotal = 0;
    for (let b = 0; b < this.bins; b++) {
      const e = spectrum.energiesKeV[b]!;
      const absorbed = detector === undefined ? 1 : 1 - Math.exp(-csi.massAttenuation(e) * csi.densityGPerCm3 * (detector.cesiumIodideMm / 10));
      this.energyWeight[b] = spectrum.photons[b]! * e * absorbed;
      this.quantaWeight[b] = spectrum.photons[b]! * absorbed;
      energyTotal += this.energyWeight[b]!;
      quantaTotal += this.quantaWeight[b]!;
      materials.forEach((m, i) => {
        this.muRho[i * this.bins + b] = catalog.get(m).massAttenuation(e);
      });
    }
    for (let b = 0; b < this.bins; b++) {
      this.energyWeight[b]! /= energyTotal;
      this.quantaWeight[b]! /= quantaTotal;
    }
  }

  indexOf(material: MaterialName): number {
    return this.materials.indexOf(material);
  }

  /**
   * Transmitted signal relative to the open beam (energy-weighted) and the detected-quanta fraction,
   * for areal densities (g/cm2) at offset `at` of a material-major array (stride = rays).
   */
  transmit(areal: Float64Array | Float32Array, at: number, stride: number, out: { signal: number; quanta: number }): void {
    const bins = this.bins;
    const n = this.materials.length;
    let signal = 0;
    let quanta = 0;
    for (let b = 0; b < bins; b++) {
      let exponent = 0;
      for (let m = 0; m < n; m++) exponent += this.muRho[m * bins + b]! * areal[m * stride + at]!;
      const t = Math.exp(-exponent);
      signal += this.energyWeight[b]! * t;
      quanta += this.quantaWeight[b]! * t;
    }
    out.signal = signal;
    out.quanta = quanta;
  }

  /** Effective linear attenuation -ln(T)/L of a slab of one material, 1/cm, as the detector sees it. */
  effectiveAttenuationPerCm(material: MaterialName, densityGPerCm3: number, thicknessCm: number): number {
    const areal = new Float64Array(this.materials.length);
    areal[this.indexOf(material)] = densityGPerCm3 * thicknessCm;
    const out = { signal: 0, quanta: 0 };
    this.transmit(areal, 0, 1, out);
    return -Math.log(out.signal) / thicknessCm;
  }
}
