import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SAFE_CASE_ID, cell, optionalNumber, resolveIn } from '../../io/cohort/cohort-cells.js';
import type { SiteCohort } from '../../io/cohort/site-cohort.js';
import { readSiteCohort } from '../../io/cohort/site-cohort.js';

/** One lumbar row of a cohort manifest: the AP radiograph (`image`), the lateral (`image_lat`), covariates and DXA truth. */
export interface LumbarCase {
  caseId: string;
  patientId: string;
  line: number;
  image: string;
  imageLat: string | undefined;
  phantom: string | undefined;
  sex: 'F' | 'M' | undefined;
  ageYears: number | undefined;
  heightCm: number | undefined;
  weightKg: number | undefined;
  /** L1-L4 DXA aBMD, g/cm2. */
  lumbarAbmd: number | undefined;
  /** Femoral-neck DXA aBMD, g/cm2 (seed 003 estimates it from the lumbar radiograph). */
  femneckAbmd: number | undefined;
  /**
   * Training labels where the cohort has them (simulated cohorts do): masks/<case_id>-ap-labels.png,
   * masks/<case_id>-lat-labels.png (VerSe codes per pixel) beside the manifest.
   */
  labels: { ap: string; lat: string | undefined } | undefined;
}

export type LumbarCohort = SiteCohort<LumbarCase>;

/** Reads the lumbar rows of a cohort manifest (DESIGN.md). An empty cohort is EMPTY_INPUT naming the file. */
export function readLumbarCohort(file: string): LumbarCohort {
  return readSiteCohort(file, 'lumbar', ({ row, caseId, line, image, folder }) => {
    const numbers: Record<string, number | undefined> = {};
    for (const column of ['lumbar_abmd', 'femneck_abmd', 'age_years', 'height_cm', 'weight_kg']) {
      const parsed = optionalNumber(row, column);
      if (typeof parsed === 'string') return parsed;
      numbers[column] = parsed.value;
    }
    const sex = cell(row, 'sex');
    const imageLat = resolveIn(folder, cell(row, 'image_lat'));
    let labels: LumbarCase['labels'];
    if (SAFE_CASE_ID.test(caseId)) {
      const ap = join(folder, 'masks', `${caseId}-ap-labels.png`);
      const lat = join(folder, 'masks', `${caseId}-lat-labels.png`);
      if (existsSync(ap)) labels = { ap, lat: imageLat !== undefined && existsSync(lat) ? lat : undefined };
    }
    return {
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line,
      image,
      imageLat,
      phantom: undefined,
      sex: sex === 'F' || sex === 'M' ? sex : undefined,
      ageYears: numbers['age_years'],
      heightCm: numbers['height_cm'],
      weightKg: numbers['weight_kg'],
      lumbarAbmd: numbers['lumbar_abmd'],
      femneckAbmd: numbers['femneck_abmd'],
      labels,
    };
  });
}
