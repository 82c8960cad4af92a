/** Bounds on what one upload may put on disk; over them the upload is refused with 413. */
export interface UploadLimits {
  /** All files of one study together, after unzipping. */
  maxBytes: number;
  /** Files of one study (zip entries included). */
  maxFiles: number;
}

/** Thrown when an upload exceeds its limits; the HTTP layer answers 413. */
export class UploadTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadTooLargeError';
  }
}
