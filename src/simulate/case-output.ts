import { writeFile } from 'node:fs/promises';
import type { DicomIdentity } from '../io/dicom/write/dicom-identity.js';
import { dicomDate, dicomTime } from '../io/dicom/write/write-dicom-dataset.js';
import type { SimulatedPerson } from './person.js';

/** One simulated study: the cohort.csv row (DESIGN.md columns) and the files written for it. */
export interface SimulatedCase {
  row: Record<string, string>;
  /** More rows of the same study (the hip simulator writes one row per pose). */
  extraRows?: Record<string, string>[];
  /** Raw mean grey level of the site's bone ROI and other per-case facts for the summary. */
  facts: Record<string, number | string>;
}

/** The covariate columns every site shares. */
export function personColumns(person: SimulatedPerson): Record<string, string> {
  return {
    patient_id: person.patientId,
    sex: person.sex,
    age_years: person.ageYears.toFixed(1),
    height_cm: person.heightCm.toFixed(1),
    weight_kg: person.weightKg.toFixed(1),
  };
}

/** The person's drawn targets, for the cohort summary's cross-site correlations. */
export function targetFacts(person: SimulatedPerson): Record<string, number> {
  const t = person.targets;
  const out: Record<string, number> = {};
  if (t.lumbarAbmd !== undefined) out['targetLumbarAbmd'] = t.lumbarAbmd;
  if (t.totalHipAbmd !== undefined) out['targetTotalHipAbmd'] = t.totalHipAbmd;
  if (t.femoralNeckAbmd !== undefined) out['targetFemoralNeckAbmd'] = t.femoralNeckAbmd;
  if (t.spineVbmd !== undefined) out['targetSpineVbmd'] = t.spineVbmd;
  return out;
}

/** The study date of a simulated case: fixed, so files are the same for the same seed. */
export function simulatedStudyDate(caseIndex: number): Date {
  return new Date(Date.UTC(2024, 0, 1, 8, 0, 0) + caseIndex * 3_600_000);
}

/** The DICOM patient and study of a simulated case (the name says SIMULATED). */
export function simulatedStudyIdentity(o: { person: SimulatedPerson; caseId: string; studyDate: Date; studyInstanceUid: string }): DicomIdentity {
  return {
    patientId: o.person.patientId,
    patientName: `SIMULATED^${o.person.patientId}`,
    patientSex: o.person.sex,
    studyDate: dicomDate(o.studyDate),
    studyTime: dicomTime(o.studyDate),
    studyId: o.caseId.slice(-16),
    studyInstanceUid: o.studyInstanceUid,
  };
}

/** Writes a JSON file of the cohort (pretty, newline-terminated). */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
