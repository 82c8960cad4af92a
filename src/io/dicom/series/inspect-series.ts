import { computeStats } from '../../../core/pixel-array.js';
import type { InspectReport } from '../inspect-report.js';
import { readDicomSeries } from './read-series.js';

/** `inspect` of a series folder: the assembled volume, frames = slices. */
export async function inspectCtSeries(folder: string): Promise<InspectReport> {
  const series = await readDicomSeries(folder);
  const first = series.slices[0]!;
  const stats = computeStats(series.volume.data);
  const syntaxes = new Set(series.slices.map((s) => s.transferSyntaxUid));
  return {
    modality: first.modality ?? null,
    transferSyntax: syntaxes.size === 1 ? first.transferSyntaxUid : [...syntaxes].join(','),
    rows: series.volume.size[1],
    columns: series.volume.size[0],
    frames: series.volume.size[2],
    samplesPerPixel: 1,
    photometric: first.pixel.photometric,
    pixelSpacingMm: [series.volume.spacingMm[1], series.volume.spacingMm[0]],
    rescale: { slope: first.rescale.slope, intercept: first.rescale.intercept },
    stats: { min: stats.min, max: stats.max, mean: stats.mean },
  };
}
