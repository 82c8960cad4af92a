import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SAFE_CASE_ID, cell, resolveIn } from '../../io/cohort/cohort-cells.js';
import type { SiteCohort } from '../../io/cohort/site-cohort.js';
import { readSiteCohort } from '../../io/cohort/site-cohort.js';

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

export type ForearmCohort = SiteCohort<ForearmCase>;

/** Reads the forearm rows of a cohort manifest (DESIGN.md). An empty cohort is EMPTY_INPUT naming the file. */
export function readForearmCohort(file: string): ForearmCohort {
  return readSiteCohort(file, 'forearm', ({ row, caseId, line, image, folder }) => {
    const abmdText = cell(row, 'forearm_abmd');
    const abmd = abmdText === undefined ? undefined : Number(abmdText);
    if (abmd !== undefined && !Number.isFinite(abmd)) return `forearm_abmd '${abmdText}' is not a number`;
    const ageText = cell(row, 'age_years');
    const age = ageText === undefined ? undefined : Number(ageText);
    const sex = cell(row, 'sex');
    const labelFiles = SAFE_CASE_ID.test(caseId)
      ? { labels: join(folder, 'masks', `${caseId}-labels.png`), landmarks: join(folder, 'landmarks', `${caseId}.json`) }
      : undefined;
    const labelled = labelFiles !== undefined && existsSync(labelFiles.labels) && existsSync(labelFiles.landmarks);
    return {
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line,
      image,
      phantom: resolveIn(folder, cell(row, 'phantom')),
      abmdGPerCm2: abmd,
      sex: sex === 'F' || sex === 'M' ? sex : undefined,
      ageYears: age !== undefined && Number.isFinite(age) ? age : undefined,
      labels: labelled ? labelFiles.labels : undefined,
      landmarks: labelled ? labelFiles.landmarks : undefined,
    };
  });
}
