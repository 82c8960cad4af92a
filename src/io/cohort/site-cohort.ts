import { dirname } from 'node:path';
import { OpenBmdError } from '../../core/errors.js';
import type { CsvRow } from '../csv-table.js';
import { readCsvTable } from '../csv-table.js';
import { readCohortProvenance } from './provenance.js';
import { cell, resolveIn } from './cohort-cells.js';

/** What every pipeline's cohort row carries: its id, patient, line, main image, phantom and covariates. */
export interface CohortCase {
  caseId: string;
  patientId: string;
  line: number;
  /** The image (a file), or the series folder for CT. */
  image: string;
  phantom: string | undefined;
  sex: 'F' | 'M' | undefined;
  ageYears: number | undefined;
  /** Covariates a pipeline may read (seed 004's BMI); absent where its cohort reader does not. */
  heightCm?: number | undefined;
  weightKg?: number | undefined;
}

/** What every pipeline's cohort carries besides its cases. */
export interface SiteCohort<Case> {
  file: string;
  simulated: boolean | null;
  description: string;
  /** The command that wrote a simulated cohort (cohort.json), null when not stated. */
  generator: string | null;
  cases: Case[];
  /** Rows left out, each with its line and why. */
  skipped: { line: number; caseId: string; problem: string }[];
}

/**
 * The cohort a model was trained on, as model.json's trainingData records it: the manifest as the
 * train command named it (beside the command itself, so a shipped model names no one's disk),
 * provenance, counts.
 */
export function trainingCohortRecord(
  cohort: SiteCohort<unknown>,
  failedCases: number,
): { cohort: string; simulated: boolean | null; cases: number; description: string; generator: string | null; failedCases: number } {
  return {
    cohort: cohort.file,
    simulated: cohort.simulated,
    cases: cohort.cases.length,
    description: cohort.description,
    generator: cohort.generator,
    failedCases,
  };
}

/** The checked start of a row: its id, line and image resolved against the manifest's folder. */
export interface SiteRow {
  row: CsvRow;
  caseId: string;
  line: number;
  image: string;
  folder: string;
}

/**
 * Reads the rows of one site from a cohort manifest (DESIGN.md): case_id present and unique, the
 * site matching (or empty), an image; `build` makes the pipeline's case from the rest or returns
 * why the row is left out. An empty result is EMPTY_INPUT naming the file.
 */
export function readSiteCohort<Case>(file: string, site: string, build: (r: SiteRow) => Case | string): SiteCohort<Case> {
  const table = readCsvTable(file);
  for (const column of ['case_id', 'image']) if (!table.columns.includes(column)) throw new OpenBmdError('MALFORMED', `has no ${column} column`, { file });
  const folder = dirname(file);
  const cases: Case[] = [];
  const skipped: SiteCohort<Case>['skipped'] = [];
  const seen = new Set<string>();
  for (const row of table.rows) {
    const caseId = cell(row, 'case_id') ?? '';
    const skip = (problem: string): void => void skipped.push({ line: row.line, caseId, problem });
    if (caseId === '') {
      skip('empty case_id');
      continue;
    }
    if (seen.has(caseId)) throw new OpenBmdError('MALFORMED', `line ${row.line}: case_id '${caseId}' appears twice`, { file });
    seen.add(caseId);
    const rowSite = cell(row, 'site');
    if (rowSite !== undefined && rowSite !== site) {
      skip(`site is ${rowSite}, not ${site}`);
      continue;
    }
    const image = resolveIn(folder, cell(row, 'image'));
    if (image === undefined) {
      skip('no image');
      continue;
    }
    const built = build({ row, caseId, line: row.line, image, folder });
    if (typeof built === 'string') skip(built);
    else cases.push(built);
  }
  if (cases.length === 0)
    throw new OpenBmdError(
      'EMPTY_INPUT',
      `has no ${site} rows${skipped.length > 0 ? ` (${skipped.length} skipped, first: line ${skipped[0]!.line}: ${skipped[0]!.problem})` : ''}`,
      { file },
    );
  const provenance = readCohortProvenance(file);
  return { file, simulated: provenance.simulated, description: provenance.description, generator: provenance.generator, cases, skipped };
}
