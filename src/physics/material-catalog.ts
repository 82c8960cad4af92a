import { join } from 'node:path';
import { packageDataPath } from '../core/package-paths.js';
import { OpenBmdError } from '../core/errors.js';
import type { AttenuationTable } from './attenuation-table.js';
import { massAttenuationAt, massEnergyAbsorptionAt, readAttenuationTable } from './attenuation-table.js';
import { readMaterialCatalogFile } from './material-catalog-file.js';

/** A material: density and mass attenuation at any energy (a NIST table or a mass-fraction mixture of elements). */
export interface Material {
  readonly name: string;
  readonly densityGPerCm3: number;
  massAttenuation(energyKeV: number): number;
  /** Mass energy absorption mu_en/rho (cm2/g), for dosimetry (air kerma, absorbed dose). */
  massEnergyAbsorption(energyKeV: number): number;
}

/** A mixture by mass fractions: mu/rho is the fraction-weighted sum (Bragg additivity). */
export interface MixturePart {
  readonly material: Material;
  readonly massFraction: number;
}

export function mixtureMassAttenuation(parts: readonly MixturePart[], energyKeV: number): number {
  let sum = 0;
  for (const part of parts) sum += part.massFraction * part.material.massAttenuation(energyKeV);
  return sum;
}

export type MaterialName =
  | 'water'
  | 'air'
  | 'soft-tissue'
  | 'muscle'
  | 'adipose'
  | 'blood'
  | 'lung'
  | 'cortical-bone-icru'
  | 'pmma'
  | 'cesium-iodide'
  | 'aluminium'
  | 'tungsten'
  | 'hydroxyapatite'
  | 'k2hpo4'
  | 'steel'
  | 'iodine';

export interface MaterialCatalog {
  readonly source: string;
  get(name: MaterialName): Material;
}

let cached: MaterialCatalog | undefined;

/** The materials of data/physics/materials.json, with their NIST tables, loaded once per process. */
export function loadMaterialCatalog(): MaterialCatalog {
  if (cached !== undefined) return cached;
  const file = packageDataPath('physics', 'materials.json');
  const parsed = readMaterialCatalogFile(file);
  const tables = new Map<string, AttenuationTable>();
  const table = (relative: string): AttenuationTable => {
    let t = tables.get(relative);
    if (t === undefined) {
      t = readAttenuationTable(join(packageDataPath('physics'), relative));
      tables.set(relative, t);
    }
    return t;
  };
  const materials = new Map<string, Material>();
  for (const [name, spec] of Object.entries(parsed.materials)) {
    if ('table' in spec) {
      const t = table(spec.table);
      materials.set(name, {
        name,
        densityGPerCm3: spec.densityGPerCm3,
        massAttenuation: (e) => massAttenuationAt(t, e),
        massEnergyAbsorption: (e) => massEnergyAbsorptionAt(t, e),
      });
    } else {
      const parts = Object.entries(spec.elements).map(([z, fraction]) => ({
        t: table(`nist/elements/z${z.padStart(2, '0')}.csv`),
        fraction,
      }));
      const total = parts.reduce((s, p) => s + p.fraction, 0);
      if (Math.abs(total - 1) > 0.01) throw new OpenBmdError('MALFORMED', `material ${name}: mass fractions sum to ${total}, not 1`, { file });
      materials.set(name, {
        name,
        densityGPerCm3: spec.densityGPerCm3,
        massAttenuation: (e) => parts.reduce((s, p) => s + (p.fraction / total) * massAttenuationAt(p.t, e), 0),
        massEnergyAbsorption: (e) => parts.reduce((s, p) => s + (p.fraction / total) * massEnergyAbsorptionAt(p.t, e), 0),
      });
    }
  }
  cached = {
    source: parsed.source,
    get(name: MaterialName): Material {
      const m = materials.get(name);
      if (m === undefined) throw new OpenBmdError('INTERNAL', `material ${name} is not in ${file}`);
      return m;
    },
  };
  return cached;
}
