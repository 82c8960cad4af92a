import { basename, dirname } from 'node:path';

/** A file's name for a report: the folder it is in and its name, never the rest of the machine's path. */
export function displayName(path: string): string {
  const folder = basename(dirname(path));
  return folder === '' || folder === '.' || folder === '/' ? basename(path) : `${folder}/${basename(path)}`;
}
