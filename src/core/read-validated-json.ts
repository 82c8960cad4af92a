import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { OpenBmdError, describeThrown } from './errors.js';

/** Reads a JSON file and validates it; any failure is MALFORMED, naming the file and the first problem. */
export function readValidatedJson<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (thrown) {
    const code = (thrown as { code?: unknown }).code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'MALFORMED';
    throw new OpenBmdError(code, `${what} is not readable JSON: ${describeThrown(thrown)}`, { file: path });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    throw new OpenBmdError('MALFORMED', `${what}: ${where}${issue?.message ?? 'invalid'}`, { file: path });
  }
  return result.data;
}
