import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { BmdCategory } from '../../clinical/measurement-columns.js';

/** One row of a hip predictions.csv (DESIGN.md: case_id, the measurements, category; then which hip and why). */
export interface HipPredictionRow {
  caseId: string;
  femneckAbmdGPerCm2?: number | undefined;
  tothipAbmdGPerCm2?: number | undefined;
  hipVbmdMgPerCm3?: number | undefined;
  category?: BmdCategory | undefined;
  side?: 'left' | 'right';
  pfDrrMeanGPerCm2?: number;
  flags?: readonly string[];
  error?: string;
}

const COLUMNS = ['case_id', 'femneck_abmd', 'tothip_abmd', 'hip_vbmd', 'category', 'hip_side', 'pf_drr_mean', 'qc_flags', 'error'];

export function writeHipPredictions(file: string, rows: readonly HipPredictionRow[]): void {
  const fixed = (v: number | undefined, digits: number): string => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));
  const records = rows.map((r) => [
    r.caseId,
    fixed(r.femneckAbmdGPerCm2, 4),
    fixed(r.tothipAbmdGPerCm2, 4),
    fixed(r.hipVbmdMgPerCm3, 2),
    r.category ?? '',
    r.side === undefined ? '' : r.side === 'left' ? 'L' : 'R',
    fixed(r.pfDrrMeanGPerCm2, 4),
    (r.flags ?? []).join(' '),
    r.error ?? '',
  ]);
  writeFileSync(file, stringify([COLUMNS, ...records]));
}
