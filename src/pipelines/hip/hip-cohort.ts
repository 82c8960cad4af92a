import { cell, optionalNumbers, resolveIn, sexCell } from '../../io/cohort/cohort-cells.js';
import type { SiteCohort } from '../../io/cohort/site-cohort.js';
import { readSiteCohort } from '../../io/cohort/site-cohort.js';
import type { HipSide } from './ct/segment-femur.js';

/** One hip row of a cohort manifest: the AP pelvis radiograph (`image`), the same person's CT (`ct`, training only), the measured side and the truth. */
export interface HipCase {
  caseId: string;
  patientId: string;
  line: number;
  image: string;
  /** The person's CT series folder or NIfTI volume (HU): `train hip` registers it to the radiograph. */
  ct: string | undefined;
  /** The hip the DXA and QCT values are of (`hip_side` L or R); undefined where the cohort does not say. */
  side: HipSide | undefined;
  view: string | undefined;
  phantom: string | undefined;
  sex: 'F' | 'M' | undefined;
  ageYears: number | undefined;
  heightCm: number | undefined;
  weightKg: number | undefined;
  femneckAbmd: number | undefined;
  tothipAbmd: number | undefined;
  /** mg/cm3 of the proximal femur (QCT). */
  hipVbmd: number | undefined;
}

export type HipCohort = SiteCohort<HipCase>;

/** Reads the hip rows of a cohort manifest (DESIGN.md; `hip_side` L or R names the measured hip). */
export function readHipCohort(file: string): HipCohort {
  return readSiteCohort(file, 'hip', ({ row, caseId, line, image, folder }) => {
    const numbers = optionalNumbers(row, ['femneck_abmd', 'tothip_abmd', 'hip_vbmd', 'age_years', 'height_cm', 'weight_kg']);
    if (typeof numbers === 'string') return numbers;
    const sideText = cell(row, 'hip_side')?.toUpperCase();
    if (sideText !== undefined && sideText !== 'L' && sideText !== 'R') return `hip_side '${sideText}' is not L or R`;
    return {
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line,
      image,
      ct: resolveIn(folder, cell(row, 'ct')),
      side: sideText === undefined ? undefined : sideText === 'L' ? 'left' : 'right',
      view: cell(row, 'view'),
      phantom: undefined,
      sex: sexCell(row),
      ageYears: numbers.age_years,
      heightCm: numbers.height_cm,
      weightKg: numbers.weight_kg,
      femneckAbmd: numbers.femneck_abmd,
      tothipAbmd: numbers.tothip_abmd,
      hipVbmd: numbers.hip_vbmd,
    };
  });
}
