import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

/** One row of a forearm predictions.csv (DESIGN.md: case_id and the predicted measurement; the rest explains it). */
export interface ForearmPredictionRow {
  caseId: string;
  abmdGPerCm2: number | undefined;
  fold?: number;
  /** Whether the detector's own Eq. [2] or the pooled one gave the number. */
  equationScope?: 'detector' | 'pooled';
  measurement?: {
    radiusThicknessMm: number;
    softTissueThicknessMm: number;
    softTissueUnderRadiusMm: number;
    seed000: { radiusThicknessMm: number; softTissueThicknessMm: number };
    detector: string;
    calibrationR: number;
    flags: readonly string[];
  };
  /** Why a row has no prediction (a batch goes on past a bad file). */
  error?: string;
}

const COLUMNS = [
  'case_id',
  'forearm_abmd',
  'fold',
  'radius_thickness_mm',
  'soft_tissue_thickness_mm',
  'soft_tissue_under_radius_mm',
  'seed000_radius_thickness_mm',
  'seed000_soft_tissue_thickness_mm',
  'detector',
  'equation',
  'calibration_r',
  'qc_flags',
  'error',
];

/**
 * predictions.csv: no category column, because the forearm pipeline reads children and ISCD gives
 * no density category for them (and no pediatric forearm table is shipped for a Z-score).
 */
export function writeForearmPredictions(file: string, rows: readonly ForearmPredictionRow[]): void {
  const fixed = (v: number | undefined, digits: number): string => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));
  const records = rows.map((r) => [
    r.caseId,
    fixed(r.abmdGPerCm2, 4),
    r.fold === undefined ? '' : String(r.fold),
    fixed(r.measurement?.radiusThicknessMm, 4),
    fixed(r.measurement?.softTissueThicknessMm, 4),
    fixed(r.measurement?.softTissueUnderRadiusMm, 4),
    fixed(r.measurement?.seed000.radiusThicknessMm, 4),
    fixed(r.measurement?.seed000.softTissueThicknessMm, 4),
    r.measurement?.detector ?? '',
    r.equationScope ?? '',
    fixed(r.measurement?.calibrationR, 5),
    (r.measurement?.flags ?? []).join(' '),
    r.error ?? '',
  ]);
  writeFileSync(file, stringify([COLUMNS, ...records]));
}
