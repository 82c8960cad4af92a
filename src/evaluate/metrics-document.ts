import type { MeasurementColumn } from '../clinical/index.js';
import type { ClassificationMetrics } from './classification-metrics.js';
import type { DataProblem } from './data-problem.js';
import type { MeasurementMetrics } from './measurement-metrics.js';
import type { ReferralMetrics } from './referral-metrics.js';
import type { CohortProvenance, ModelProvenance } from '../io/cohort/provenance.js';

export const METRICS_SCHEMA = 'openbmd.metrics/1';

/** metrics.json, as DESIGN.md defines it (docs/metrics.md lists every field). */
export interface MetricsDocument {
  schema: typeof METRICS_SCHEMA;
  cohort: { file: string; rows: number; provenance: CohortProvenance };
  predictions: { file: string; rows: number };
  model: ModelProvenance | null;
  joinedCases: number;
  problems: DataProblem[];
  measurements: Partial<Record<MeasurementColumn, MeasurementMetrics>>;
  classification: ClassificationMetrics | null;
  /** A screening flag's (refer_dxa) figures against osteoporosis; null without the column. */
  referral: ReferralMetrics | null;
  notes: string[];
}

/** JSON with undefined statistics (NaN, +-Infinity) written as null. */
export function metricsJson(document: MetricsDocument): string {
  return `${JSON.stringify(document, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
