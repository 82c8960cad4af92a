import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OpenBmdError } from '../../core/errors.js';
import { readCsvTable } from '../../io/csv-table.js';
import { readCohortProvenance } from '../../evaluate/provenance.js';
import { SAFE_CASE_ID, cell, resolveIn } from '../cohort-cells.js';

/** One ct-spine row of a cohort manifest, with its files resolved against the manifest's folder. */
export interface CtSpineCase {
  caseId: string;
  patientId: string;
  line: number;
  /** The series folder. */
  image: string;
  phantom: string | undefined;
  /** QCT reference: mean trabecular vBMD of L1-L2 (T12 substitutes), mg/cm3. */
  vbmdMgPerCm3: number | undefined;
  sex: 'F' | 'M' | undefined;
  ageYears: number | undefined;
  /** Training labels where the cohort has them (simulated cohorts do): masks/<case_id>-cancellous.nii.gz and landmarks/<case_id>.json beside the manifest. */
  cancellousMask: string | undefined;
  landmarks: string | undefined;
}

export interface CtSpineCohort {
  file: string;
  simulated: boolean | null;
  description: string;
  generator: string | null;
  cases: CtSpineCase[];
  skipped: { line: number; caseId: string; problem: string }[];
}

/** Reads the ct-spine rows of a cohort manifest (DESIGN.md). An empty cohort is EMPTY_INPUT naming the file. */
export function readCtSpineCohort(file: string): CtSpineCohort {
  const table = readCsvTable(file);
  for (const column of ['case_id', 'image']) if (!table.columns.includes(column)) throw new OpenBmdError('MALFORMED', `has no ${column} column`, { file });
  const folder = dirname(file);
  const cases: CtSpineCase[] = [];
  const skipped: CtSpineCohort['skipped'] = [];
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
    if (site !== undefined && site !== 'ct-spine') {
      skip(`site is ${site}, not ct-spine`);
      continue;
    }
    const image = resolveIn(folder, cell(row, 'image'));
    if (image === undefined) {
      skip('no image');
      continue;
    }
    const vbmdText = cell(row, 'spine_vbmd');
    const vbmd = vbmdText === undefined ? undefined : Number(vbmdText);
    if (vbmd !== undefined && !Number.isFinite(vbmd)) {
      skip(`spine_vbmd '${vbmdText}' is not a number`);
      continue;
    }
    const age = Number(cell(row, 'age_years') ?? Number.NaN);
    const sex = cell(row, 'sex');
    const labelFiles = SAFE_CASE_ID.test(caseId) ? { mask: join(folder, 'masks', `${caseId}-cancellous.nii.gz`), landmarks: join(folder, 'landmarks', `${caseId}.json`) } : undefined;
    const labelled = labelFiles !== undefined && existsSync(labelFiles.mask) && existsSync(labelFiles.landmarks);
    cases.push({
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line: row.line,
      image,
      phantom: resolveIn(folder, cell(row, 'phantom')),
      vbmdMgPerCm3: vbmd,
      sex: sex === 'F' || sex === 'M' ? sex : undefined,
      ageYears: Number.isFinite(age) ? age : undefined,
      cancellousMask: labelled ? labelFiles.mask : undefined,
      landmarks: labelled ? labelFiles.landmarks : undefined,
    });
  }
  if (cases.length === 0) throw new OpenBmdError('EMPTY_INPUT', `has no ct-spine rows${skipped.length > 0 ? ` (${skipped.length} skipped, first: line ${skipped[0]!.line}: ${skipped[0]!.problem})` : ''}`, { file });
  const provenance = readCohortProvenance(file);
  return { file, simulated: provenance.simulated, description: provenance.description, generator: provenance.generator, cases, skipped };
}
