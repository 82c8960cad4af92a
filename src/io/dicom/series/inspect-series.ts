import type { InspectReport } from '../inspect-report.js';
import { reportFromValues } from '../inspect-report.js';
import { readDicomSeries } from './read-series.js';

/** `inspect` of a series folder: the assembled volume, frames = slices. */
export async function inspectCtSeries(folder: string): Promise<InspectReport> {
  const series = await readDicomSeries(folder);
  const first = series.slices[0]!;
  const syntaxes = new Set(series.slices.map((s) => s.transferSyntaxUid));
  const v = series.volume;
  return reportFromValues({
    format: syntaxes.size === 1 ? first.transferSyntaxUid : [...syntaxes].join(','),
    rows: v.size[1],
    columns: v.size[0],
    frames: v.size[2],
    samplesPerPixel: 1,
    pixelSpacingMm: [v.spacingMm[1], v.spacingMm[0]],
    values: v.data,
    modality: first.modality,
    photometric: first.pixel.photometric,
    rescale: { slope: first.rescale.slope, intercept: first.rescale.intercept },
  });
}
