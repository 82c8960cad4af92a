import { open, stat } from 'node:fs/promises';
import { OpenBmdError } from '../core/errors.js';
import { inspectDicomImage, reportFromValues } from '../io/dicom/inspect-report.js';
import type { InspectReport } from '../io/dicom/inspect-report.js';
import { readDicomFile } from '../io/dicom/read-dicom.js';
import { inspectCtSeries } from '../io/dicom/series/inspect-series.js';
import { readNifti } from '../io/nifti.js';
import { detectRasterFormat, readRasterImage } from '../io/raster-image.js';

export interface InspectOptions {
  /** [between rows, between columns] mm, for PNG and TIFF (which carry no trustworthy spacing). */
  spacingMm?: [number, number];
}

/** DICOM file, CT series folder, NIfTI, PNG or TIFF, recognised by content, not by name. */
export async function inspectPath(path: string, options: InspectOptions = {}): Promise<InspectReport> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new OpenBmdError('FILE_NOT_FOUND', 'no such file or folder', { file: path });
  if (info.isDirectory()) return inspectCtSeries(path);
  const kind = await sniffFormat(path);
  if (kind === 'nifti') {
    const volume = await readNifti(path);
    return reportFromValues({
      format: 'NIfTI-1',
      rows: volume.size[1],
      columns: volume.size[0],
      frames: volume.size[2],
      samplesPerPixel: 1,
      pixelSpacingMm: [volume.spacingMm[1], volume.spacingMm[0]],
      values: volume.data,
    });
  }
  if (kind === 'png' || kind === 'tiff') {
    const image = await readRasterImage(path, { spacingMm: options.spacingMm });
    return reportFromValues({
      format: kind.toUpperCase(),
      rows: image.size[1],
      columns: image.size[0],
      frames: 1,
      samplesPerPixel: image.samplesPerPixel,
      pixelSpacingMm: [image.spacingMm[1], image.spacingMm[0]],
      values: image.data,
    });
  }
  return inspectDicomImage(await readDicomFile(path));
}

async function sniffFormat(path: string): Promise<'dicom' | 'nifti' | 'png' | 'tiff'> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(348);
    const { bytesRead } = await handle.read(head, 0, 348, 0);
    const b = head.subarray(0, bytesRead);
    // DICOM first: its 128-byte preamble may legally hold a TIFF header (dual-format files).
    if (bytesRead >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d) return 'dicom';
    const raster = detectRasterFormat(b);
    if (raster !== undefined) return raster;
    if (b[0] === 0x1f && b[1] === 0x8b && /\.nii\.gz$/i.test(path)) return 'nifti';
    if (bytesRead >= 348 && b[344] === 0x6e && (b[345] === 0x2b || b[345] === 0x69) && b[346] === 0x31) return 'nifti';
    return 'dicom';
  } finally {
    await handle.close();
  }
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
