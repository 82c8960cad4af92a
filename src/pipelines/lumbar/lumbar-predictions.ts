import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { BmdCategory } from '../../clinical/measurement-columns.js';

/** One row of a lumbar predictions.csv (DESIGN.md: case_id, the measurements, category and class probabilities; the rest explains it). */
export interface LumbarPredictionRow {
  caseId: string;
  lumbarAbmdGPerCm2?: number | undefined;
  femneckAbmdGPerCm2?: number | undefined;
  /** WHO category from the lowest T-score of the predicted aBMDs. */
  category?: BmdCategory | undefined;
  probabilities?: Record<BmdCategory, number> | undefined;
  /** Flagged for DXA by the model's referral rule (undefined: the model has none). */
  referDxa?: boolean | undefined;
  variant?: string;
  fold?: number;
  flags?: readonly string[];
  error?: string;
}

const COLUMNS = [
  'case_id',
  'lumbar_abmd',
  'femneck_abmd',
  'category',
  'p_normal',
  'p_osteopenia',
  'p_osteoporosis',
  'refer_dxa',
  'variant',
  'fold',
  'qc_flags',
  'error',
];

export function writeLumbarPredictions(file: string, rows: readonly LumbarPredictionRow[]): void {
  const fixed = (v: number | undefined, digits: number): string => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));
  const records = rows.map((r) => [
    r.caseId,
    fixed(r.lumbarAbmdGPerCm2, 4),
    fixed(r.femneckAbmdGPerCm2, 4),
    r.category ?? '',
    fixed(r.probabilities?.normal, 4),
    fixed(r.probabilities?.osteopenia, 4),
    fixed(r.probabilities?.osteoporosis, 4),
    r.referDxa === undefined ? '' : r.referDxa ? 'yes' : 'no',
    r.variant ?? '',
    r.fold === undefined ? '' : String(r.fold),
    (r.flags ?? []).join(' '),
    r.error ?? '',
  ]);
  writeFileSync(file, stringify([COLUMNS, ...records]));
}
