import { readFileSync } from 'node:fs';
import { OpenBmdError } from '../core/errors.js';

/**
 * One NIST XCOM-style table: mass attenuation mu/rho and, where the table gives it, mass energy
 * absorption mu_en/rho (cm2/g) against photon energy (keV).
 */
export interface AttenuationTable {
  readonly energiesKeV: Float64Array;
  readonly massAttenuationCm2PerG: Float64Array;
  /** Empty when the table has no mu_en/rho column. */
  readonly massEnergyAbsorptionCm2PerG: Float64Array;
}

/**
 * Parses a NIST SRD 126 CSV (energy in MeV despite the "meV" header, mu/rho, mu_en/rho). Absorption
 * edges are two rows at the same energy; both are kept so interpolation never crosses an edge.
 */
export function parseAttenuationCsv(text: string, file: string): AttenuationTable {
  const energies: number[] = [];
  const mu: number[] = [];
  const muEn: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const [e, m, en] = trimmed.split(',').map(Number);
    if (e === undefined || m === undefined || !(e > 0) || !(m > 0)) {
      throw new OpenBmdError('MALFORMED', `attenuation table line ${index + 1} is not "energy, mu/rho, mu_en/rho"`, { file });
    }
    const previous = energies[energies.length - 1];
    if (previous !== undefined && e * 1000 < previous) {
      throw new OpenBmdError('MALFORMED', `attenuation table line ${index + 1}: energies must not decrease`, { file });
    }
    energies.push(e * 1000);
    mu.push(m);
    if (en !== undefined && en > 0) muEn.push(en);
  });
  if (energies.length < 2) throw new OpenBmdError('MALFORMED', 'attenuation table has fewer than two rows', { file });
  return {
    energiesKeV: Float64Array.from(energies),
    massAttenuationCm2PerG: Float64Array.from(mu),
    massEnergyAbsorptionCm2PerG: muEn.length === energies.length ? Float64Array.from(muEn) : new Float64Array(0),
  };
}

export function readAttenuationTable(file: string): AttenuationTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new OpenBmdError('FILE_NOT_FOUND', 'attenuation table is not readable', { file });
  }
  return parseAttenuationCsv(text, file);
}

/**
 * mu/rho at an energy by log-log interpolation between the rows that bracket it. Of an edge's two
 * rows the upper one starts the next segment, so the interpolation stays on one side of the edge.
 */
export function massAttenuationAt(table: AttenuationTable, energyKeV: number): number {
  return interpolateLogLog(table.energiesKeV, table.massAttenuationCm2PerG, energyKeV);
}

/** mu_en/rho at an energy, interpolated as mu/rho is; the table must have the column. */
export function massEnergyAbsorptionAt(table: AttenuationTable, energyKeV: number): number {
  if (table.massEnergyAbsorptionCm2PerG.length !== table.energiesKeV.length) {
    throw new OpenBmdError('INTERNAL', 'this attenuation table has no mu_en/rho column');
  }
  return interpolateLogLog(table.energiesKeV, table.massEnergyAbsorptionCm2PerG, energyKeV);
}

function interpolateLogLog(e: Float64Array, m: Float64Array, energyKeV: number): number {
  const last = e.length - 1;
  if (!(energyKeV >= e[0]!) || energyKeV > e[last]!) {
    throw new OpenBmdError('BAD_ARGUMENT', `energy ${energyKeV} keV is outside the attenuation table (${e[0]}-${e[last]} keV)`);
  }
  // Largest k with e[k] <= energy.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (e[mid]! <= energyKeV) lo = mid;
    else hi = mid - 1;
  }
  if (lo === last) return m[last]!;
  const e0 = e[lo]!;
  const e1 = e[lo + 1]!;
  const t = Math.log(energyKeV / e0) / Math.log(e1 / e0);
  return Math.exp(Math.log(m[lo]!) + t * (Math.log(m[lo + 1]!) - Math.log(m[lo]!)));
}
