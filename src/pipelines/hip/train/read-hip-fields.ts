import { OpenBmdError } from '../../../core/errors.js';
import { dicomFrameToImage2D } from '../../../io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../../../io/dicom/read-dicom.js';
import type { HipCase } from '../hip-cohort.js';
import { hipFieldPlacement, normaliseHipField, sampleHipField } from '../radiograph/hip-field.js';

/**
 * Each case's radiograph read and its measured hip's field normalised, as analysis makes it (a
 * case without hip_side: the left). A file that is bad input is set aside with its reason; anything
 * else stops the run.
 */
export async function readHipFields(
  cases: readonly HipCase[],
  write?: (line: string) => void,
): Promise<{ read: { c: HipCase; field: Float32Array }[]; failed: Map<string, string> }> {
  const failed = new Map<string, string>();
  const read: { c: HipCase; field: Float32Array }[] = [];
  for (const [k, c] of cases.entries()) {
    try {
      const image = dicomFrameToImage2D(await readDicomFile(c.image));
      read.push({ c, field: normaliseHipField(sampleHipField(image, hipFieldPlacement({ image, side: c.side ?? 'left' }))) });
    } catch (thrown) {
      if (!(thrown instanceof OpenBmdError) || !thrown.isBadInput) throw thrown;
      failed.set(c.caseId, thrown.message);
    }
    if (write !== undefined && (k + 1) % 100 === 0) write(`[hip] fields: ${k + 1}/${cases.length} radiographs read`);
  }
  return { read, failed };
}
