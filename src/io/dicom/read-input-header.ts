import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isNiftiPath } from '../nifti.js';
import { join } from 'node:path';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import { readString } from './dataset-values.js';
import { parseDicom } from './parse-dicom.js';
import { TAG } from './tags.js';

/** What says which pipeline an input is for: the DICOM attributes a PACS routes by, read without decoding pixels. */
export interface InputHeader {
  /** The path given (file or folder). */
  path: string;
  /** DICOM, or a NIfTI-1 volume (no routing attributes: every DICOM field is undefined). */
  format: 'dicom' | 'nifti';
  isFolder: boolean;
  modality: string | undefined;
  bodyPart: string | undefined;
  viewPosition: string | undefined;
  seriesDescription: string | undefined;
}

/** A folder is judged by its first files that parse as DICOM: a series folder holds slices of one kind. */
const FOLDER_FILES_TRIED = 20;

/** Reads the routing attributes of a DICOM file, or of the first DICOM file of a folder (OpenBmdError naming the path when there is none). */
export function readInputHeader(path: string): InputHeader {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (thrown) {
    throw new OpenBmdError('FILE_NOT_FOUND', `cannot be opened (${describeThrown(thrown)})`, { file: path });
  }
  if (!isFolder && isNiftiPath(path))
    return { path, format: 'nifti', isFolder, modality: undefined, bodyPart: undefined, viewPosition: undefined, seriesDescription: undefined };
  const candidates = isFolder
    ? readdirSync(path)
        .sort()
        .map((name) => join(path, name))
        .filter((file) => statSync(file).isFile())
        .slice(0, FOLDER_FILES_TRIED)
    : [path];
  let firstProblem: unknown;
  for (const file of candidates) {
    try {
      const ds = parseDicom(new Uint8Array(readFileSync(file)), file).dataSet;
      return {
        path,
        format: 'dicom',
        isFolder,
        modality: readString(ds, TAG.modality)?.trim().toUpperCase(),
        bodyPart: readString(ds, TAG.bodyPartExamined)?.trim().toUpperCase(),
        viewPosition: readString(ds, TAG.viewPosition)?.trim().toUpperCase(),
        seriesDescription: readString(ds, TAG.seriesDescription)?.trim(),
      };
    } catch (thrown) {
      firstProblem ??= thrown;
    }
  }
  if (!isFolder && firstProblem instanceof OpenBmdError) throw firstProblem;
  throw new OpenBmdError('NOT_DICOM', isFolder ? 'holds no DICOM file' : `is not a DICOM file (${describeThrown(firstProblem)})`, { file: path });
}
