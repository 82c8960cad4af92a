import type { DataSet } from 'dicom-parser';
import { readNumber, readNumbers } from './dataset-values.js';
import { TAG } from './tags.js';

/** Where a pixel spacing came from, so reports can say whether it is at the patient or the detector. */
export type SpacingSource =
  | 'PixelSpacing'
  | 'ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor'
  | 'ImagerPixelSpacing/(SID/SOD)'
  | 'ImagerPixelSpacing (detector plane, no magnification known)';

export interface PixelSpacing {
  /** [between rows, between columns] in mm, as DICOM orders it. */
  rowColumnMm: [number, number];
  source: SpacingSource;
}

/**
 * Spacing in the patient plane. PixelSpacing, when present, is already calibrated to the patient
 * (DX/CR: "calibrated"); when it is absent or merely repeats ImagerPixelSpacing, the detector-plane
 * ImagerPixelSpacing is divided by the radiographic magnification (stated, or SID/SOD).
 */
export function readPixelSpacing(ds: DataSet, file: string): PixelSpacing | undefined {
  const pixel = positivePair(readNumbers(ds, TAG.pixelSpacing, file));
  const imager = positivePair(readNumbers(ds, TAG.imagerPixelSpacing, file));
  if (imager === undefined) return pixel === undefined ? undefined : { rowColumnMm: pixel, source: 'PixelSpacing' };
  const repeatsImager = pixel !== undefined && Math.abs(pixel[0] - imager[0]) < 1e-9 && Math.abs(pixel[1] - imager[1]) < 1e-9;
  if (pixel !== undefined && !repeatsImager) return { rowColumnMm: pixel, source: 'PixelSpacing' };
  const stated = readNumber(ds, TAG.estimatedRadiographicMagnificationFactor, file);
  if (stated !== undefined && stated > 0) {
    return { rowColumnMm: [imager[0] / stated, imager[1] / stated], source: 'ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor' };
  }
  const sid = readNumber(ds, TAG.distanceSourceToDetector, file);
  const sod = readNumber(ds, TAG.distanceSourceToPatient, file);
  if (sid !== undefined && sod !== undefined && sid > 0 && sod > 0) {
    const m = sid / sod;
    return { rowColumnMm: [imager[0] / m, imager[1] / m], source: 'ImagerPixelSpacing/(SID/SOD)' };
  }
  if (pixel !== undefined) return { rowColumnMm: pixel, source: 'PixelSpacing' };
  return { rowColumnMm: imager, source: 'ImagerPixelSpacing (detector plane, no magnification known)' };
}

/** The first two values when both are positive (a row, column pair), else undefined. */
export function positivePair(values: number[] | undefined): [number, number] | undefined {
  if (values === undefined || values.length < 2) return undefined;
  const [r, c] = values as [number, number];
  return r > 0 && c > 0 ? [r, c] : undefined;
}
