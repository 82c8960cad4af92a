import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import type { ByteBudget } from './byte-budget.js';
import { spendFile, spendingStream } from './byte-budget.js';
import { UploadTooLargeError } from './upload-limits.js';
import { safeUploadName } from './safe-file-name.js';

/** Entries that archivers add and that are never images. */
const SKIPPED = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$)/;

const openZip = (file: string): Promise<ZipFile> =>
  new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (e, z) => (e ? reject(e) : resolve(z))));

const openEntry = (zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> =>
  new Promise((resolve, reject) => zip.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))));

/**
 * Extracts a zip's files flat into a folder under safe names, within the upload's budget: the
 * declared sizes are checked before a byte is written and the inflated bytes are counted as they
 * come (yauzl also refuses an entry that inflates beyond its declared size), so a zip bomb stops
 * at the limit. Returns the stored names.
 */
export async function unzipBounded(o: { zipFile: string; zipName: string; intoDir: string; budget: ByteBudget; taken: Set<string> }): Promise<string[]> {
  let zip: ZipFile;
  try {
    zip = await openZip(o.zipFile);
  } catch (thrown) {
    throw new OpenBmdError('MALFORMED', `is not a readable zip (${describeThrown(thrown)})`, { file: o.zipName });
  }
  const names: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        void (async () => {
          if (entry.fileName.endsWith('/') || SKIPPED.test(entry.fileName)) return;
          if (entry.isEncrypted()) throw new OpenBmdError('UNSUPPORTED', `holds an encrypted entry (${entry.fileName})`, { file: o.zipName });
          spendFile(o.budget);
          if (entry.uncompressedSize > o.budget.bytesLeft) throw new UploadTooLargeError(`the upload unzips to more than ${o.budget.describe}`);
          const name = safeUploadName({ given: entry.fileName, index: names.length, taken: o.taken });
          await pipeline(await openEntry(zip, entry), spendingStream(o.budget), createWriteStream(join(o.intoDir, name)));
          names.push(name);
        })().then(
          () => zip.readEntry(),
          (thrown: unknown) => {
            zip.close();
            reject(thrown);
          },
        );
      });
      zip.readEntry();
    });
  } catch (thrown) {
    if (thrown instanceof OpenBmdError || thrown instanceof UploadTooLargeError) throw thrown;
    throw new OpenBmdError('MALFORMED', `is not a readable zip (${describeThrown(thrown)})`, { file: o.zipName });
  }
  return names;
}
