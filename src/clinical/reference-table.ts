import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OpenBmdError } from '../core/errors.js';
import { readValidatedJson } from '../core/read-validated-json.js';
import { packageDataPath } from '../core/package-paths.js';

/** Mean and SD of a measurement in one population (young adults, or one age band). */
const normativeSchema = z.object({
  ageYears: z.tuple([z.number(), z.number()]),
  mean: z.number().positive(),
  sd: z.number().positive(),
});

const referenceTableSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  source: z.string().min(10),
  version: z.string(),
  measurement: z.string(),
  unit: z.enum(['g/cm2', 'mg/cm3']),
  deviceFamily: z.string(),
  deviceNote: z.string().optional(),
  /** Sex the age bands describe when the table is sex-specific; absent = as selected. */
  sex: z.enum(['F', 'M']).optional(),
  youngAdult: normativeSchema.nullable(),
  ageMatched: z.array(normativeSchema).nullable(),
  ageMatchedNote: z.string().optional(),
});

export type Normative = z.infer<typeof normativeSchema>;
export type ReferenceTable = z.infer<typeof referenceTableSchema>;

/** Reads and validates one reference table file. */
export function loadReferenceTable(path: string): ReferenceTable {
  return readValidatedJson(path, referenceTableSchema, 'reference table');
}

/** Every table in a folder (default: the package's data/clinical/references), by id. */
export function loadReferenceTables(folder = packageDataPath('clinical', 'references')): Map<string, ReferenceTable> {
  const tables = new Map<string, ReferenceTable>();
  for (const name of readdirSync(folder)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const table = loadReferenceTable(join(folder, name));
    if (tables.has(table.id)) throw new OpenBmdError('INCONSISTENT', `two reference tables share the id ${table.id}`, { file: join(folder, name) });
    tables.set(table.id, table);
  }
  return tables;
}

/** The age band holding `ageYears` (bounds inclusive, in whole years), if the table has one. */
export function ageBandFor(table: ReferenceTable, ageYears: number): Normative | undefined {
  return table.ageMatched?.find((band) => ageYears >= band.ageYears[0] && ageYears < band.ageYears[1] + 1);
}
