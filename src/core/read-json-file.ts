import { readFileSync } from 'node:fs';
import { OpenBmdError, describeThrown } from './errors.js';

/** Reads and parses a JSON file; FILE_NOT_FOUND when it is missing, else MALFORMED naming the file and `what` it is. */
export function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (thrown) {
    const code = (thrown as { code?: unknown }).code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'MALFORMED';
    throw new OpenBmdError(code, `${what} is not readable JSON: ${describeThrown(thrown)}`, { file: path });
  }
}
