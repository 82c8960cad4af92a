import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OpenBmdError } from '../../core/errors.js';
import { readCsvTable } from '../../io/csv-table.js';
import { readCohortProvenance } from '../../evaluate/provenance.js';
import { SAFE_CASE_ID, cell, resolveIn } from '../cohort-cells.js';

/** One forearm row of a cohort manifest, with its files resolved against the manifest's folder. */
export interface ForearmCase {
  caseId: string;
  patientId: string;
  line: number;
  image: string;
  phantom: string | undefined;
  abmdGPerCm2: number | undefined;
  sex: 'F' | 'M' | undefined;
  ageYears: number | undefined;
  /** Training labels where the cohort has them (simulated cohorts do): masks/<case_id>-labels.png and landmarks/<case_id>.json beside the manifest. */
  labels: string | undefined;
  landmarks: string | undefined;
}

export interface ForearmCohort {
  file: string;
  simulated: boolean | null;
  description: string;
  /** The command that wrote a simulated cohort (cohort.json), null when not stated. */
  generator: string | null;
  cases: ForearmCase[];
  /** Rows left out, each with its line and why. */
  skipped: { line: number; caseId: string; problem: string }[];
}

/** Reads the forearm rows of a cohort manifest (DESIGN.md). An empty cohort is EMPTY_INPUT naming the file. */
export function readForearmCohort(file: string): ForearmCohort {
  const table = readCsvTable(file);
  if (!table.columns.includes('case_id')) throw new OpenBmdError('MALFORMED', 'has no case_id column', { file });
  if (!table.columns.includes('image')) throw new OpenBmdError('MALFORMED', 'has no image column', { file });
  const folder = dirname(file);
  const cases: ForearmCase[] = [];
  const skipped: ForearmCohort['skipped'] = [];
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
    const site = cell(row, 'site');
    if (site !== undefined && site !== 'forearm') {
      skip(`site is ${site}, not forearm`);
      continue;
    }
    const image = resolveIn(folder, cell(row, 'image'));
    if (image === undefined) {
      skip('no image');
      continue;
    }
    const abmdText = cell(row, 'forearm_abmd');
    const abmd = abmdText === undefined ? undefined : Number(abmdText);
    if (abmd !== undefined && !Number.isFinite(abmd)) {
      skip(`forearm_abmd '${abmdText}' is not a number`);
      continue;
    }
    const ageText = cell(row, 'age_years');
    const age = ageText === undefined ? undefined : Number(ageText);
    const sex = cell(row, 'sex');
    const labelFiles = SAFE_CASE_ID.test(caseId) ? { labels: join(folder, 'masks', `${caseId}-labels.png`), landmarks: join(folder, 'landmarks', `${caseId}.json`) } : undefined;
    const labelled = labelFiles !== undefined && existsSync(labelFiles.labels) && existsSync(labelFiles.landmarks);
    cases.push({
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line: row.line,
      image,
      phantom: resolveIn(folder, cell(row, 'phantom')),
      abmdGPerCm2: abmd,
      sex: sex === 'F' || sex === 'M' ? sex : undefined,
      ageYears: age !== undefined && Number.isFinite(age) ? age : undefined,
      labels: labelled ? labelFiles.labels : undefined,
      landmarks: labelled ? labelFiles.landmarks : undefined,
    });
  }
  if (cases.length === 0) throw new OpenBmdError('EMPTY_INPUT', `has no forearm rows${skipped.length > 0 ? ` (${skipped.length} skipped, first: line ${skipped[0]!.line}: ${skipped[0]!.problem})` : ''}`, { file });
  const provenance = readCohortProvenance(file);
  return { file, simulated: provenance.simulated, description: provenance.description, generator: provenance.generator, cases, skipped };
}
