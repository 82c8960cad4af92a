import { closeSync, createWriteStream, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteBudget } from './byte-budget.js';
import { spendFile, spendingStream } from './byte-budget.js';
import { safeUploadName } from './safe-file-name.js';
import { unzipBounded } from './unzip-bounded.js';
import type { UploadLimits } from './upload-limits.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function startsLikeZip(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, head, 0, 4, 0) === 4 && ZIP_MAGIC.every((b, i) => head[i] === b);
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams an upload to a file through the budget. On failure the source (the HTTP request) is
 * drained, not destroyed, so the client still receives the 413 or 400 that explains it.
 */
async function writeWithoutDestroying(source: Readable, counter: Transform, path: string): Promise<void> {
  const written = pipeline(counter, createWriteStream(path));
  source.on('error', (e) => counter.destroy(e));
  source.pipe(counter);
  try {
    await written;
  } catch (thrown) {
    source.unpipe(counter);
    source.resume();
    throw thrown;
  }
}

const megabytes = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

/**
 * The folder one study's upload is written into, file by file as it streams in, within the
 * upload's limits. A zip (recognised by its first bytes, whatever it is called) is unpacked in place.
 */
export class UploadFolder {
  readonly dir: string;
  readonly #budget: ByteBudget;
  readonly #taken = new Set<string>();
  readonly #names: string[] = [];

  constructor(o: { dir: string; limits: UploadLimits }) {
    this.dir = o.dir;
    mkdirSync(o.dir, { recursive: true });
    this.#budget = { bytesLeft: o.limits.maxBytes, filesLeft: o.limits.maxFiles, describe: `${megabytes(o.limits.maxBytes)} or ${o.limits.maxFiles} files` };
  }

  /** The stored names, in upload order. */
  get names(): readonly string[] {
    return this.#names;
  }

  /** Writes one uploaded file; throws UploadTooLargeError past the limits, OpenBmdError for a zip that cannot be read. */
  async add(o: { stream: Readable; givenName: string | undefined }): Promise<void> {
    spendFile(this.#budget);
    const name = safeUploadName({ given: o.givenName, index: this.#names.length, taken: this.#taken });
    const path = join(this.dir, name);
    await writeWithoutDestroying(o.stream, spendingStream(this.#budget), path);
    if (!startsLikeZip(path)) {
      this.#names.push(name);
      return;
    }
    // The zip itself is not one of the study's files: its count and bytes are given back before unpacking.
    this.#budget.filesLeft += 1;
    this.#budget.bytesLeft += statSync(path).size;
    const extracted = await unzipBounded({ zipFile: path, zipName: name, intoDir: this.dir, budget: this.#budget, taken: this.#taken });
    rmSync(path);
    this.#names.push(...extracted);
  }
}
