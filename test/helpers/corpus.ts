import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PYDICOM_CORPUS } from './reference-tools.js';

const NOT_DICOM = /\.(py|pyc|json|txt|md|dump|gz)$|(^|\/)README$/;

/** Every file of pydicom's data folder that is meant to be DICOM (scripts, hashes and notes excluded). */
export function listPydicomCorpus(root = PYDICOM_CORPUS): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== '__pycache__') walk(path);
      } else if (!NOT_DICOM.test(relative(root, path))) {
        out.push(path);
      }
    }
  };
  walk(root);
  return out;
}
