import { stat } from 'node:fs/promises';
import { OpenBmdError } from '../core/errors.js';
import { inspectDicomImage } from '../io/dicom/inspect-report.js';
import type { InspectReport } from '../io/dicom/inspect-report.js';
import { readDicomFile } from '../io/dicom/read-dicom.js';
import { inspectCtSeries } from '../io/dicom/series/inspect-series.js';

export async function inspectPath(path: string): Promise<InspectReport> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new OpenBmdError('FILE_NOT_FOUND', 'no such file or folder', { file: path });
  if (info.isDirectory()) return inspectCtSeries(path);
  return inspectDicomImage(await readDicomFile(path));
}

export function formatInspectText(report: InspectReport): string {
  const lines = [
    `modality        ${report.modality ?? '-'}`,
    `transfer syntax ${report.transferSyntax}`,
    `size            ${report.columns} x ${report.rows} x ${report.frames} frame(s), ${report.samplesPerPixel} sample(s)/pixel, ${report.photometric}`,
    `pixel spacing   ${report.pixelSpacingMm === null ? 'none' : `${report.pixelSpacingMm[0]} x ${report.pixelSpacingMm[1]} mm (row x column)`}`,
    `rescale         slope ${report.rescale.slope}, intercept ${report.rescale.intercept}`,
    `values          min ${report.stats.min}, max ${report.stats.max}, mean ${report.stats.mean}`,
  ];
  return lines.join('\n');
}
