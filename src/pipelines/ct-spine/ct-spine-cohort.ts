import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SAFE_CASE_ID, cell, resolveIn } from '../../io/cohort/cohort-cells.js';
import type { SiteCohort } from '../../io/cohort/site-cohort.js';
import { readSiteCohort } from '../../io/cohort/site-cohort.js';

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

export type CtSpineCohort = SiteCohort<CtSpineCase>;

/** Reads the ct-spine rows of a cohort manifest (DESIGN.md). An empty cohort is EMPTY_INPUT naming the file. */
export function readCtSpineCohort(file: string): CtSpineCohort {
  return readSiteCohort(file, 'ct-spine', ({ row, caseId, line, image, folder }) => {
    const vbmdText = cell(row, 'spine_vbmd');
    const vbmd = vbmdText === undefined ? undefined : Number(vbmdText);
    if (vbmd !== undefined && !Number.isFinite(vbmd)) return `spine_vbmd '${vbmdText}' is not a number`;
    const age = Number(cell(row, 'age_years') ?? Number.NaN);
    const sex = cell(row, 'sex');
    const labelFiles = SAFE_CASE_ID.test(caseId)
      ? { mask: join(folder, 'masks', `${caseId}-cancellous.nii.gz`), landmarks: join(folder, 'landmarks', `${caseId}.json`) }
      : undefined;
    const labelled = labelFiles !== undefined && existsSync(labelFiles.mask) && existsSync(labelFiles.landmarks);
    return {
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line,
      image,
      phantom: resolveIn(folder, cell(row, 'phantom')),
      vbmdMgPerCm3: vbmd,
      sex: sex === 'F' || sex === 'M' ? sex : undefined,
      ageYears: Number.isFinite(age) ? age : undefined,
      cancellousMask: labelled ? labelFiles.mask : undefined,
      landmarks: labelled ? labelFiles.landmarks : undefined,
    };
  });
}
