import { join } from 'node:path';
import { OpenBmdError } from '../../core/errors.js';
import type { InputHeader } from '../../io/dicom/read-input-header.js';
import { readInputHeader } from '../../io/dicom/read-input-header.js';

/** ViewPosition values of a lateral projection (DICOM PS3.3 C.8.11.5; LL and RL are the standard terms). */
const LATERAL_VIEWS = new Set(['LL', 'RL', 'LAT', 'LATERAL', 'LLD', 'RLD']);

/**
 * What the analysis reads from an upload's files, in the order the pipelines take their inputs:
 * one radiograph; an AP and a lateral radiograph (the lateral second, by ViewPosition); or a CT
 * series (every file, as a folder). Anything else is refused with what was found.
 */
export function studyInputs(o: { dir: string; names: readonly string[] }): string[] {
  if (o.names.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'the upload holds no file');
  if (o.names.length === 1) return [join(o.dir, o.names[0]!)];
  const headers: InputHeader[] = [];
  for (const name of o.names) {
    try {
      headers.push(readInputHeader(join(o.dir, name)));
    } catch {
      // Files that are not DICOM (a DICOMDIR's neighbours, notes) are left to the series reader or refused below.
    }
  }
  if (headers.length === 0) throw new OpenBmdError('NOT_DICOM', `none of the ${o.names.length} uploaded files is DICOM`);
  if (headers.some((h) => h.modality === 'CT')) return [o.dir];
  if (headers.length === 2) {
    const lateral = headers.filter((h) => LATERAL_VIEWS.has(h.viewPosition ?? ''));
    if (lateral.length === 1) return [headers.find((h) => h !== lateral[0])!.path, lateral[0]!.path];
    throw new OpenBmdError(
      'INCONSISTENT',
      `two radiographs were uploaded, but not one AP and one lateral (ViewPosition ${headers.map((h) => h.viewPosition ?? 'absent').join(' and ')})`,
    );
  }
  const modalities = [...new Set(headers.map((h) => h.modality ?? 'absent'))].join(', ');
  throw new OpenBmdError(
    'INCONSISTENT',
    `${headers.length} DICOM files (Modality ${modalities}) are neither one radiograph, an AP and a lateral radiograph, nor a CT series`,
  );
}
