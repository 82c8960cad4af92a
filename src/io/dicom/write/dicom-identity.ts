/**
 * Who and which study a derived object belongs to, copied from the source image so PACS files
 * the result with it. Every field may be absent (type 2 attributes are then written empty).
 */
export interface DicomIdentity {
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyInstanceUid?: string;
  studyDate?: string;
  studyTime?: string;
  studyId?: string;
  accessionNumber?: string;
  referringPhysicianName?: string;
}
