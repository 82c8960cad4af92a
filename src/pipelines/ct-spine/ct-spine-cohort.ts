import { cell, labelFilesBeside, optionalNumbers, resolveIn, sexCell } from '../../io/cohort/cohort-cells.js';
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
    const numbers = optionalNumbers(row, ['spine_vbmd', 'age_years']);
    if (typeof numbers === 'string') return numbers;
    const labelFiles = labelFilesBeside(folder, caseId, { mask: `masks/${caseId}-cancellous.nii.gz`, landmarks: `landmarks/${caseId}.json` });
    return {
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line,
      image,
      phantom: resolveIn(folder, cell(row, 'phantom')),
      vbmdMgPerCm3: numbers.spine_vbmd,
      sex: sexCell(row),
      ageYears: numbers.age_years,
      cancellousMask: labelFiles?.mask,
      landmarks: labelFiles?.landmarks,
    };
  });
}
