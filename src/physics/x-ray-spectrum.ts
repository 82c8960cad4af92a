import type { MaterialCatalog } from './material-catalog.js';
import { OpenBmdError } from '../core/errors.js';

/** A discretised photon spectrum: photons per bin (relative) at each bin's mean energy. */
export interface XRaySpectrum {
  readonly kVp: number;
  readonly energiesKeV: Float64Array;
  readonly photons: Float64Array;
}

export interface SpectrumOptions {
  kVp: number;
  /** Total aluminium filtration (inherent + added), mm. About 2.5 mm inherent for a radiographic tube. */
  aluminiumMm: number;
  binWidthKeV?: number;
  /** Lowest energy kept; softer photons do not leave the tube housing. */
  minimumKeV?: number;
}

/**
 * Tungsten-anode bremsstrahlung by Kramers' law, N(E) ~ (kVp - E) / E photons per keV, hardened
 * by the aluminium filtration (Beer-Lambert with the NIST Al table). Characteristic lines are
 * left out: they carry a few percent of the fluence at diagnostic kVp and do not change the
 * effects modelled here (beam hardening, contrast, noise).
 */
export function kramersSpectrum(catalog: MaterialCatalog, options: SpectrumOptions): XRaySpectrum {
  const { kVp, aluminiumMm } = options;
  const width = options.binWidthKeV ?? 2;
  const minimum = options.minimumKeV ?? 10;
  if (!(kVp > minimum + width) || kVp > 150) throw new OpenBmdError('BAD_ARGUMENT', `kVp must be between ${minimum + width} and 150, got ${kVp}`);
  if (!(aluminiumMm >= 0)) throw new OpenBmdError('BAD_ARGUMENT', `aluminium filtration must be >= 0 mm, got ${aluminiumMm}`);
  const aluminium = catalog.get('aluminium');
  const energies: number[] = [];
  const photons: number[] = [];
  for (let low = minimum; low < kVp; low += width) {
    const high = Math.min(kVp, low + width);
    const e = (low + high) / 2;
    const kramers = ((kVp - e) / e) * (high - low);
    const filtered = kramers * Math.exp(-aluminium.massAttenuation(e) * aluminium.densityGPerCm3 * (aluminiumMm / 10));
    energies.push(e);
    photons.push(filtered);
  }
  const total = photons.reduce((s, p) => s + p, 0);
  return { kVp, energiesKeV: Float64Array.from(energies), photons: Float64Array.from(photons, (p) => p / total) };
}

export function monoenergeticSpectrum(energyKeV: number): XRaySpectrum {
  return { kVp: energyKeV, energiesKeV: Float64Array.of(energyKeV), photons: Float64Array.of(1) };
}
