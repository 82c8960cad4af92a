import { join } from 'node:path';

/** Study ids are UUIDs made by the server; anything else in a URL is refused before a path is built. */
const STUDY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isStudyId(id: string): boolean {
  return STUDY_ID.test(id);
}

export interface StudyPaths {
  /** The study's folder (removed whole when an upload is refused). */
  root: string;
  /** The upload's files. */
  inputDir: string;
  /** The analysis outputs (result.json, overlay.png, report.pdf, the DICOM objects). */
  outDir: string;
}

/** Where one study's files live under the service's data folder. */
export function studyPaths(o: { dataDir: string; id: string }): StudyPaths {
  if (!isStudyId(o.id)) throw new Error(`not a study id: ${o.id}`);
  const root = join(o.dataDir, 'studies', o.id);
  return { root, inputDir: join(root, 'input'), outDir: join(root, 'out') };
}
