import type { z } from 'zod';
import { OpenBmdError } from './errors.js';
import { readJsonFile } from './read-json-file.js';

/** Reads a JSON file and validates it; any failure is MALFORMED, naming the file and the first problem. */
export function readValidatedJson<T>(path: string, schema: z.ZodType<T>, what: string): T {
  const parsed = readJsonFile(path, what);
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    throw new OpenBmdError('MALFORMED', `${what}: ${where}${issue?.message ?? 'invalid'}`, { file: path });
  }
  return result.data;
}
