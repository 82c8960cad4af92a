import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { UploadTooLargeError } from './upload-limits.js';

/** What is left of one upload's allowance, shared by its files and zip entries. */
export interface ByteBudget {
  bytesLeft: number;
  filesLeft: number;
  /** The limit in words, for the refusal. */
  describe: string;
}

/** A pass-through stream that spends the budget and fails with UploadTooLargeError when it runs out. */
export function spendingStream(budget: ByteBudget): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      budget.bytesLeft -= chunk.length;
      if (budget.bytesLeft < 0) done(new UploadTooLargeError(`the upload is larger than ${budget.describe}`));
      else done(null, chunk);
    },
  });
}

/** Counts one more file against the budget. */
export function spendFile(budget: ByteBudget): void {
  budget.filesLeft -= 1;
  if (budget.filesLeft < 0) throw new UploadTooLargeError(`the upload holds more files than ${budget.describe}`);
}
