import type { ValueStats } from '../../core/pixel-array.js';
import { computeStats, mergeStats } from '../../core/pixel-array.js';
import type { DicomImage } from './dicom-image.js';
import { applyModalityRescale } from './modality-rescale.js';

/** The `openbmd inspect --json` object (DESIGN.md, "Command line"). */
export interface InspectReport {
  modality: string | null;
  transferSyntax: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  photometric: string;
  /** [between rows, between columns] in mm, or null when the file has none. */
  pixelSpacingMm: [number, number] | null;
  rescale: { slope: number; intercept: number };
  /** Over every sample of every frame after the modality rescale. */
  stats: { min: number; max: number; mean: number };
}

export function inspectDicomImage(image: DicomImage): InspectReport {
  const parts: ValueStats[] = image.frames.map((f) => computeStats(applyModalityRescale(f, image.rescale)));
  const stats = mergeStats(parts);
  return {
    modality: image.modality ?? null,
    transferSyntax: image.transferSyntaxUid,
    rows: image.pixel.rows,
    columns: image.pixel.columns,
    frames: image.pixel.frames,
    samplesPerPixel: image.pixel.samplesPerPixel,
    photometric: image.pixel.photometric,
    pixelSpacingMm: image.pixelSpacing?.rowColumnMm ?? null,
    rescale: { slope: image.rescale.slope, intercept: image.rescale.intercept },
    stats: { min: stats.min, max: stats.max, mean: stats.mean },
  };
}

export interface ValuesReportOptions {
  format: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  pixelSpacingMm: [number, number];
  values: ArrayLike<number>;
  modality?: string | undefined;
  photometric?: string;
  rescale?: { slope: number; intercept: number };
}

/** The inspect object for values already decoded (a series volume, NIfTI, PNG, TIFF). */
export function reportFromValues(o: ValuesReportOptions): InspectReport {
  const stats = computeStats(o.values);
  return {
    modality: o.modality ?? null,
    transferSyntax: o.format,
    rows: o.rows,
    columns: o.columns,
    frames: o.frames,
    samplesPerPixel: o.samplesPerPixel,
    photometric: o.photometric ?? (o.samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'),
    pixelSpacingMm: o.pixelSpacingMm,
    rescale: o.rescale ?? { slope: 1, intercept: 0 },
    stats: { min: stats.min, max: stats.max, mean: stats.mean },
  };
}
