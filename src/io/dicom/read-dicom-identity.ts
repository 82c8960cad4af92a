import type { ParsedDicom } from './parse-dicom.js';
import { readString } from './dataset-values.js';
import { TAG } from './tags.js';
import type { DicomIdentity } from './write/dicom-identity.js';

/** The patient and study attributes of a data set that derived objects copy (absent ones left out). */
export function readDicomIdentity(ds: ParsedDicom['dataSet']): DicomIdentity {
  const fields: [keyof DicomIdentity, string][] = [
    ['patientName', TAG.patientName],
    ['patientId', TAG.patientId],
    ['patientBirthDate', TAG.patientBirthDate],
    ['patientSex', TAG.patientSex],
    ['studyInstanceUid', TAG.studyInstanceUid],
    ['studyDate', TAG.studyDate],
    ['studyTime', TAG.studyTime],
    ['studyId', TAG.studyId],
    ['accessionNumber', TAG.accessionNumber],
    ['referringPhysicianName', TAG.referringPhysicianName],
  ];
  const identity: DicomIdentity = {};
  for (const [key, tag] of fields) {
    const value = readString(ds, tag);
    if (value !== undefined && value !== '') identity[key] = value;
  }
  return identity;
}
