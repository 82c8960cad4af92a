/**
 * Typed errors. Every failure that reaches a user is an OpenBmdError with a code; the CLI maps
 * bad-input codes to exit status 2 and everything else to 1.
 */
export type OpenBmdErrorCode =
  | 'NOT_DICOM'
  | 'TRUNCATED'
  | 'MALFORMED'
  | 'UNSUPPORTED'
  | 'INCONSISTENT'
  | 'NO_PIXEL_DATA'
  | 'CODEC'
  | 'MISSING_SPACING'
  | 'SERIES'
  | 'FILE_NOT_FOUND'
  | 'BAD_ARGUMENT'
  | 'EMPTY_INPUT'
  | 'INVALID_VALUE'
  | 'BAD_MODEL'
  | 'INTERNAL';

/** Codes that mean "the input is at fault", as opposed to a bug in openbmd. */
const BAD_INPUT_CODES: ReadonlySet<OpenBmdErrorCode> = new Set<OpenBmdErrorCode>([
  'NOT_DICOM',
  'TRUNCATED',
  'MALFORMED',
  'UNSUPPORTED',
  'INCONSISTENT',
  'NO_PIXEL_DATA',
  'CODEC',
  'MISSING_SPACING',
  'SERIES',
  'FILE_NOT_FOUND',
  'BAD_ARGUMENT',
  'EMPTY_INPUT',
  'INVALID_VALUE',
  'BAD_MODEL',
]);

export interface OpenBmdErrorOptions {
  /** The file (or folder) the problem was found in, when there is one. */
  file?: string;
  cause?: unknown;
}

export class OpenBmdError extends Error {
  readonly code: OpenBmdErrorCode;
  readonly file: string | undefined;

  constructor(code: OpenBmdErrorCode, message: string, options: OpenBmdErrorOptions = {}) {
    super(options.file === undefined ? message : `${options.file}: ${message}`, { cause: options.cause });
    this.name = 'OpenBmdError';
    this.code = code;
    this.file = options.file;
  }

  get isBadInput(): boolean {
    return BAD_INPUT_CODES.has(this.code);
  }
}

/** Assertion with a lazily built message, so the hot path never formats strings. */
export function ensure(condition: boolean, code: OpenBmdErrorCode, message: () => string, file?: string): asserts condition {
  if (!condition) throw new OpenBmdError(code, message(), { file });
}

/** Text of an unknown thrown value (third-party libraries throw strings). */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  return String(thrown);
}
