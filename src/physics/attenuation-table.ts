import { readFileSync } from 'node:fs';
import { OpenBmdError } from '../core/errors.js';

/** One NIST XCOM-style table: mass attenuation mu/rho (cm2/g) against photon energy (keV). */
export interface AttenuationTable {
  readonly energiesKeV: Float64Array;
  readonly massAttenuationCm2PerG: Float64Array;
}

/**
 * Parses a NIST SRD 126 CSV (energy in MeV despite the "meV" header, mu/rho, mu_en/rho). Absorption
 * edges are two rows at the same energy; both are kept so interpolation never crosses an edge.
 */
export function parseAttenuationCsv(text: string, file: string): AttenuationTable {
  const energies: number[] = [];
  const mu: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const [e, m] = trimmed.split(',').map(Number);
    if (e === undefined || m === undefined || !(e > 0) || !(m > 0)) {
      throw new OpenBmdError('MALFORMED', `attenuation table line ${index + 1} is not "energy, mu/rho, mu_en/rho"`, { file });
    }
    const previous = energies[energies.length - 1];
    if (previous !== undefined && e * 1000 < previous) {
      throw new OpenBmdError('MALFORMED', `attenuation table line ${index + 1}: energies must not decrease`, { file });
    }
    energies.push(e * 1000);
    mu.push(m);
  });
  if (energies.length < 2) throw new OpenBmdError('MALFORMED', 'attenuation table has fewer than two rows', { file });
  return { energiesKeV: Float64Array.from(energies), massAttenuationCm2PerG: Float64Array.from(mu) };
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
  const e = table.energiesKeV;
  const m = table.massAttenuationCm2PerG;
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
