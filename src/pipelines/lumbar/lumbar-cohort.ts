import { cell, labelFilesBeside, optionalNumbers, resolveIn, sexCell } from '../../io/cohort/cohort-cells.js';
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
    const numbers = optionalNumbers(row, ['lumbar_abmd', 'femneck_abmd', 'age_years', 'height_cm', 'weight_kg']);
    if (typeof numbers === 'string') return numbers;
    const imageLat = resolveIn(folder, cell(row, 'image_lat'));
    const ap = labelFilesBeside(folder, caseId, { ap: `masks/${caseId}-ap-labels.png` })?.ap;
    const lat = imageLat === undefined ? undefined : labelFilesBeside(folder, caseId, { lat: `masks/${caseId}-lat-labels.png` })?.lat;
    const labels: LumbarCase['labels'] = ap === undefined ? undefined : { ap, lat };
    return {
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line,
      image,
      imageLat,
      phantom: undefined,
      sex: sexCell(row),
      ageYears: numbers.age_years,
      heightCm: numbers.height_cm,
      weightKg: numbers.weight_kg,
      lumbarAbmd: numbers.lumbar_abmd,
      femneckAbmd: numbers.femneck_abmd,
      labels,
    };
  });
}
