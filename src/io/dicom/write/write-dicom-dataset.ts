import { open, writeFile } from 'node:fs/promises';
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

/**
 * Writes a naturalized data set as a Part 10 file in explicit VR little endian. Native pixel data
 * (an ArrayBuffer, OB or OW) is appended after the rest, as its tag is the last one written: the
 * general-purpose writer copies it through a growing buffer (0.15 s for a 5 MB overlay).
 */
export async function writeDicomDataset(file: string, dataset: Record<string, unknown>): Promise<void> {
  const { PixelData: pixelData, _vrMap: vrMap, ...rest } = dataset;
  const { PixelData: pixelVr, ...otherVrs } = (vrMap ?? {}) as Record<string, string>;
  if (pixelData instanceof ArrayBuffer && (pixelVr === 'OB' || pixelVr === 'OW')) {
    const head = dicomPart10({ ...rest, ...(vrMap === undefined ? {} : { _vrMap: otherVrs }) });
    // Written in parts: the pixel data is not copied into one buffer with the rest.
    const handle = await open(file, 'w');
    try {
      await handle.writev([head, ...pixelDataElement(new Uint8Array(pixelData), pixelVr)]);
    } finally {
      await handle.close();
    }
    return;
  }
  await writeFile(file, dicomPart10(dataset));
}

/** (7FE0,0010) in explicit VR little endian: tag, VR, two reserved bytes, 32-bit length, the value padded to even length. */
function pixelDataElement(bytes: Uint8Array, vr: 'OB' | 'OW'): Uint8Array[] {
  const padded = bytes.length + (bytes.length % 2);
  const header = Buffer.alloc(12);
  header.writeUInt16LE(0x7fe0, 0);
  header.writeUInt16LE(0x0010, 2);
  header.write(vr, 4, 'latin1');
  header.writeUInt32LE(padded, 8);
  return [header, bytes, Buffer.alloc(padded - bytes.length)];
}

function dicomPart10(dataset: Record<string, unknown>): Buffer {
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
  return Buffer.from(dict.write());
}
