import type { Person } from '../clinical/interpret-measurement.js';
import type { DicomIdentity } from '../io/dicom/write/dicom-identity.js';
import { ageFromDates } from '../io/dicom/patient-age.js';

export interface StudyPerson {
  sex: 'F' | 'M' | undefined;
  ageYears: number | undefined;
  heightCm: number | undefined;
  weightKg: number | undefined;
  /** Where sex and age came from, for the result. */
  source: string;
}

/** Sex and age for the scores: what the user (or the cohort) gave, else what the DICOM says (birth and study dates). */
export function studyPerson(given: Person, identity: DicomIdentity): StudyPerson {
  const dicomSex = identity.patientSex === 'F' || identity.patientSex === 'M' ? identity.patientSex : undefined;
  const dicomAge = ageFromDates(identity.patientBirthDate, identity.studyDate);
  const sex = given.sex ?? dicomSex;
  const ageYears = given.ageYears ?? dicomAge;
  const from = (value: unknown, givenValue: unknown): string => (value === undefined ? 'unknown' : givenValue !== undefined ? 'given' : 'DICOM');
  return {
    sex,
    ageYears,
    heightCm: given.heightCm,
    weightKg: given.weightKg,
    source: `sex ${from(sex, given.sex)}, age ${from(ageYears, given.ageYears)}${given.heightCm !== undefined && given.weightKg !== undefined ? ', height and weight given' : ''}`,
  };
}
