import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { acrQctCategory, loadClinicalKnowledge } from '../../clinical/index.js';
import type { VbmdMethod } from './measure-ct-spine.js';
import type { CtSpineCaseMeasurement } from './measure-ct-spine-case.js';

/** What a row says about how its number came about. */
export interface CtSpineRowOutcome {
  reportedLevels: readonly string[] | null;
  rodFitR: number | null;
  qcFlags: readonly string[];
}

export interface CtSpinePredictionRow {
  caseId: string;
  outcome?: CtSpineRowOutcome;
  fold?: number;
  /** Each calibration method's vBMD after the model's recalibration, mg/cm3. */
  byMethod?: Record<VbmdMethod, number | null>;
  error?: string;
}

const COLUMNS = [
  'case_id',
  'spine_vbmd',
  'category',
  'method',
  'spine_vbmd_rods',
  'spine_vbmd_phantomless',
  'spine_vbmd_densenet',
  'levels',
  'fold',
  'rod_fit_r',
  'qc_flags',
  'error',
];

/** The value a predictions file reports: one method's, or the primary one (rods where the phantom was found, else phantomless). */
export function chosenVbmd(byMethod: Record<VbmdMethod, number | null>, which: 'primary' | VbmdMethod): { value: number | null; method: string } {
  if (which !== 'primary') return { value: byMethod[which], method: which };
  return byMethod.rods !== null ? { value: byMethod.rods, method: 'rods' } : { value: byMethod.phantomless, method: 'phantomless' };
}

/** predictions.csv (DESIGN.md): case_id, spine_vbmd, the ACR QCT category, and what each method gave. */
/** A row's outcome from a cohort case's measurement (train's out-of-fold rows). */
export function caseOutcome(m: CtSpineCaseMeasurement): CtSpineRowOutcome {
  return { reportedLevels: m.reported?.levels ?? null, rodFitR: m.rodFitR, qcFlags: m.qcFlags };
}

export function writeCtSpinePredictions(file: string, rows: readonly CtSpinePredictionRow[], which: 'primary' | VbmdMethod): void {
  const rules = loadClinicalKnowledge().rules.acrQct;
  const fixed = (v: number | null | undefined, digits: number): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));
  const records = rows.map((r) => {
    const m = r.outcome;
    const byMethod = r.byMethod ?? { rods: null, phantomless: null, densenet: null };
    const chosen = chosenVbmd(byMethod, which);
    return [
      r.caseId,
      fixed(chosen.value, 2),
      chosen.value === null ? '' : acrQctCategory(chosen.value, rules),
      chosen.value === null ? '' : chosen.method,
      fixed(byMethod.rods, 2),
      fixed(byMethod.phantomless, 2),
      fixed(byMethod.densenet, 2),
      m?.reportedLevels?.join(' ') ?? '',
      r.fold === undefined ? '' : String(r.fold),
      fixed(m?.rodFitR, 5),
      (m?.qcFlags ?? []).join(' '),
      r.error ?? '',
    ];
  });
  writeFileSync(file, stringify([COLUMNS, ...records]));
}
