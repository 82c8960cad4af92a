import { OpenBmdError } from '../core/errors.js';
import { readJsonFile } from '../core/read-json-file.js';

/** A material as data/physics/materials.json states it: a NIST table, or a mixture of elements by mass fraction. */
export type MaterialSpec = { densityGPerCm3: number; table: string; note?: string } | { densityGPerCm3: number; elements: Record<string, number> };

export interface MaterialCatalogFile {
  source: string;
  energyUnit: 'MeV';
  materials: Record<string, MaterialSpec>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** The first problem with one material's entry, or undefined. */
function materialProblem(spec: unknown): string | undefined {
  if (!isRecord(spec)) return 'is not an object';
  if (!isPositive(spec.densityGPerCm3)) return 'densityGPerCm3 is not a positive number';
  if ('table' in spec) {
    if (typeof spec.table !== 'string') return 'table is not a string';
    if (spec.note !== undefined && typeof spec.note !== 'string') return 'note is not a string';
    return undefined;
  }
  if (!isRecord(spec.elements)) return 'has neither a table nor elements';
  for (const [z, fraction] of Object.entries(spec.elements)) {
    if (!/^\d+$/.test(z)) return `elements.${z} is not an atomic number`;
    if (!isPositive(fraction)) return `elements.${z} is not a positive mass fraction`;
  }
  return undefined;
}

/**
 * The parsed catalog, or MALFORMED naming the file and the first problem. Checked by hand, not by
 * a schema library: every command that computes attenuation reads it, and the schema library's
 * loading was a fifth of a DRR's whole run.
 */
export function parseMaterialCatalog(json: unknown, file: string): MaterialCatalogFile {
  const fail = (problem: string): never => {
    throw new OpenBmdError('MALFORMED', `material catalog: ${problem}`, { file });
  };
  if (!isRecord(json)) return fail('is not an object');
  if (typeof json.source !== 'string') return fail('source is not a string');
  if (json.energyUnit !== 'MeV') return fail('energyUnit is not "MeV"');
  if (!isRecord(json.materials)) return fail('materials is not an object');
  const materials: Record<string, MaterialSpec> = {};
  for (const [name, spec] of Object.entries(json.materials)) {
    const problem = materialProblem(spec);
    if (problem !== undefined) return fail(`materials.${name} ${problem}`);
    materials[name] = spec as MaterialSpec;
  }
  return { source: json.source, energyUnit: 'MeV', materials };
}

/** Reads and checks the catalog file. */
export function readMaterialCatalogFile(file: string): MaterialCatalogFile {
  return parseMaterialCatalog(readJsonFile(file, 'material catalog'), file);
}
