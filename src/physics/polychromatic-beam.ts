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
  /** Air kerma (µGy) of one photon per mm2 in each bin. */
  private readonly airKermaPerPhoton: Float64Array;
  /** Detected quanta per incident photon of the open beam (quantaWeight is normalised to sum 1). */
  private readonly openBeamDetectedFraction: number;
  private readonly bins: number;

  constructor(catalog: MaterialCatalog, spectrum: XRaySpectrum, detector: DetectorModel | undefined, materials: readonly MaterialName[]) {
    this.materials = materials;
    this.bins = spectrum.energiesKeV.length;
    this.muRho = new Float64Array(materials.length * this.bins);
    this.energyWeight = new Float64Array(this.bins);
    this.quantaWeight = new Float64Array(this.bins);
    this.airKermaPerPhoton = new Float64Array(this.bins);
    const csi = catalog.get('cesium-iodide');
    const air = catalog.get('air');
    let energyTotal = 0;
    let quantaTotal = 0;
    for (let b = 0; b < this.bins; b++) {
      const e = spectrum.energiesKeV[b]!;
      const absorbed = detector === undefined ? 1 : 1 - Math.exp(-csi.massAttenuation(e) * csi.densityGPerCm3 * (detector.cesiumIodideMm / 10));
      this.energyWeight[b] = spectrum.photons[b]! * e * absorbed;
      this.quantaWeight[b] = spectrum.photons[b]! * absorbed;
      this.airKermaPerPhoton[b] = spectrum.photons[b]! * airKermaMicroGyPerPhotonPerMm2(e, air.massEnergyAbsorption(e));
      energyTotal += this.energyWeight[b]!;
      quantaTotal += this.quantaWeight[b]!;
      materials.forEach((m, i) => {
        this.muRho[i * this.bins + b] = catalog.get(m).massAttenuation(e);
      });
    }
    this.openBeamDetectedFraction = quantaTotal / spectrum.photons.reduce((sum, p) => sum + p, 0);
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

  /**
   * Detected quanta per mm2 for each µGy of air kerma at the detector behind a ray (areal densities
   * as in transmit): what an exposure index or an AEC target in µGy means for quantum noise there.
   * Scatter reaching that pixel is taken to have the primary's spectrum.
   */
  detectedQuantaPerMm2PerMicroGy(areal: Float64Array | Float32Array, at: number, stride: number): number {
    const bins = this.bins;
    const n = this.materials.length;
    let kerma = 0;
    let detected = 0;
    for (let b = 0; b < bins; b++) {
      let exponent = 0;
      for (let m = 0; m < n; m++) exponent += this.muRho[m * bins + b]! * areal[m * stride + at]!;
      const t = Math.exp(-exponent);
      kerma += this.airKermaPerPhoton[b]! * t;
      detected += this.quantaWeight[b]! * t;
    }
    return (detected * this.openBeamDetectedFraction) / kerma;
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

/** keV to joules (CODATA exact). */
const JOULES_PER_KEV = 1.602176634e-16;

/**
 * Air kerma of a fluence of one photon per mm2 at one energy: K = phi * E * (mu_en/rho)_air, in
 * µGy (phi 1e6 per m2, mu_en/rho in cm2/g = 0.1 m2/kg, 1e6 µGy per Gy).
 */
export function airKermaMicroGyPerPhotonPerMm2(energyKeV: number, airMassEnergyAbsorptionCm2PerG: number): number {
  return 1e6 * energyKeV * JOULES_PER_KEV * (airMassEnergyAbsorptionCm2PerG * 0.1) * 1e6;
}
