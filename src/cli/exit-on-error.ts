import { OpenBmdError, describeThrown } from '../core/errors.js';

/** One clear line on stderr; exit 2 for bad input, 1 for anything else (a bug). */
export function reportFailure(thrown: unknown): number {
  if (thrown instanceof OpenBmdError) {
    console.error(`openbmd: ${thrown.message}`);
    return thrown.isBadInput ? 2 : 1;
  }
  console.error(`openbmd: internal error: ${describeThrown(thrown)}`);
  if (process.env['OPENBMD_DEBUG'] && thrown instanceof Error) console.error(thrown.stack);
  return 1;
}
