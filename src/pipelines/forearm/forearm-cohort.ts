import { cell, labelFilesBeside, optionalNumbers, resolveIn, sexCell } from '../../io/cohort/cohort-cells.js';
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
    const numbers = optionalNumbers(row, ['forearm_abmd', 'age_years']);
    if (typeof numbers === 'string') return numbers;
    const labelFiles = labelFilesBeside(folder, caseId, { labels: `masks/${caseId}-labels.png`, landmarks: `landmarks/${caseId}.json` });
    return {
      caseId,
      patientId: cell(row, 'patient_id') ?? caseId,
      line,
      image,
      phantom: resolveIn(folder, cell(row, 'phantom')),
      abmdGPerCm2: numbers.forearm_abmd,
      sex: sexCell(row),
      ageYears: numbers.age_years,
      labels: labelFiles?.labels,
      landmarks: labelFiles?.landmarks,
    };
  });
}
