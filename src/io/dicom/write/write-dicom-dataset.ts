import { writeFile } from 'node:fs/promises';
import dcmjs from 'dcmjs';
import type { DicomIdentity } from './dicom-identity.js';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, newDicomUid } from './dicom-uid.js';

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** The common modules every object openbmd writes carries: patient, study, series, equipment, SOP. */
export interface CommonModulesOptions {
  identity: DicomIdentity;
  sopClassUid: string;
  modality: string;
  seriesDescription: string;
  seriesNumber?: number;
  instanceNumber?: number;
  /** Defaults to now. */
  createdAt?: Date;
  /** Fixed UIDs (a simulator writes the same files for the same seed); new ones otherwise. */
  sopInstanceUid?: string;
  seriesInstanceUid?: string;
}

/** DICOM DA (YYYYMMDD) and TM (HHMMSS) of a moment, in UTC. */
export function dicomDate(moment: Date): string {
  return moment.toISOString().slice(0, 10).replace(/-/g, '');
}

export function dicomTime(moment: Date): string {
  return moment.toISOString().slice(11, 19).replace(/:/g, '');
}

export function commonModules(options: CommonModulesOptions): Record<string, unknown> {
  const id = options.identity;
  const now = options.createdAt ?? new Date();
  const date = dicomDate(now);
  const time = dicomTime(now);
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: options.sopClassUid,
    SOPInstanceUID: options.sopInstanceUid ?? newDicomUid(),
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    PatientName: id.patientName ?? '',
    PatientID: id.patientId ?? '',
    PatientBirthDate: id.patientBirthDate ?? '',
    PatientSex: id.patientSex ?? '',
    StudyInstanceUID: id.studyInstanceUid ?? newDicomUid(),
    StudyDate: id.studyDate ?? '',
    StudyTime: id.studyTime ?? '',
    StudyID: id.studyId ?? '',
    AccessionNumber: id.accessionNumber ?? '',
    ReferringPhysicianName: id.referringPhysicianName ?? '',
    Modality: options.modality,
    Laterality: '',
    SeriesInstanceUID: options.seriesInstanceUid ?? newDicomUid(),
    SeriesNumber: String(options.seriesNumber ?? 9001),
    SeriesDescription: options.seriesDescription,
    InstanceNumber: String(options.instanceNumber ?? 1),
    ContentDate: date,
    ContentTime: time,
    Manufacturer: 'openbmd',
    SoftwareVersions: IMPLEMENTATION_VERSION_NAME,
  };
}

/** Writes a naturalized data set as a Part 10 file in explicit VR little endian. */
export async function writeDicomDataset(file: string, dataset: Record<string, unknown>): Promise<void> {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset['SOPClassUID'],
    MediaStorageSOPInstanceUID: dataset['SOPInstanceUID'],
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
  };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  await writeFile(file, new Uint8Array(dict.write()));
}
