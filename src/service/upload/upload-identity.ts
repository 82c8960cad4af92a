import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readString } from '../../io/dicom/dataset-values.js';
import { parseDicom } from '../../io/dicom/parse-dicom.js';
import { readDicomIdentity } from '../../io/dicom/read-dicom-identity.js';
import { TAG } from '../../io/dicom/tags.js';
import type { StudyListIdentity } from '../store/study-record.js';

/** Files larger than this are not opened just to fill the worklist (the analysis reads them anyway). */
const MAX_HEADER_FILE_BYTES = 256 * 2 ** 20;

const NONE: StudyListIdentity = { patientName: undefined, patientId: undefined, studyDate: undefined, studyInstanceUid: undefined, modality: undefined };

/**
 * The worklist's patient and study columns from the first uploaded file that parses as DICOM, so a
 * queued study already shows whose it is. Best effort: an upload that is not DICOM has none, and
 * its analysis fails with the reason.
 */
export function uploadIdentity(o: { dir: string; names: readonly string[] }): StudyListIdentity {
  for (const name of o.names.slice(0, 8)) {
    const file = join(o.dir, name);
    try {
      if (statSync(file).size > MAX_HEADER_FILE_BYTES) continue;
      const ds = parseDicom(new Uint8Array(readFileSync(file)), name).dataSet;
      const id = readDicomIdentity(ds);
      return {
        patientName: id.patientName,
        patientId: id.patientId,
        studyDate: id.studyDate,
        studyInstanceUid: id.studyInstanceUid,
        modality: readString(ds, TAG.modality)?.trim().toUpperCase(),
      };
    } catch {
      // Not DICOM: the next file may be (a zip's README, a DICOMDIR's neighbours).
    }
  }
  return NONE;
}
