import { BMD_CATEGORIES, type MeasurementColumn, measurementInfo } from '../clinical/index.js';
import type { MetricsDocument } from '../evaluate/metrics-document.js';
import type { Interval } from '../stats/index.js';
import { displayName } from './display-name.js';

/** The report's words and tables, shared by the HTML and the PDF so both say the same thing. */

export function formatNumber(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function formatInterval(interval: Interval, digits = 3): string {
  return Number.isFinite(interval[0]) ? `${formatNumber(interval[0], digits)} to ${formatNumber(interval[1], digits)}` : 'n/a';
}

/** One line saying which cohort and model the figures come from. */
export function provenanceLines(document: MetricsDocument): string[] {
  const cohort = document.cohort;
  const simulated = cohort.provenance.simulated;
  const kind = simulated === true ? 'SIMULATED cohort' : simulated === false ? 'clinical cohort' : 'cohort of unstated provenance';
  const model =
    document.model === null
      ? 'model not stated'
      : `model ${document.model.name}${document.model.version === null ? '' : ` ${document.model.version}`} (${displayName(document.model.from)})`;
  return [
    `${kind}: ${displayName(cohort.file)} (${cohort.rows} rows; ${cohort.provenance.description})`,
    `predictions: ${displayName(document.predictions.file)} (${document.predictions.rows} rows); ${document.joinedCases} cases joined on case_id`,
    model,
  ];
}

export interface TableLayout {
  header: string[];
  rows: string[][];
}

export function measurementTable(document: MetricsDocument): TableLayout {
  const rows = (Object.keys(document.measurements) as MeasurementColumn[]).map((column) => {
    const m = document.measurements[column]!;
    return [
      `${column} (${measurementInfo(column).unit})`,
      String(m.n),
      `${formatNumber(m.pcc)} (${formatInterval(m.pccCi95)})`,
      `${formatNumber(m.icc21)} (${formatInterval(m.icc21Ci95)})`,
      formatNumber(m.icc31),
      formatNumber(m.r2),
      formatNumber(m.mae, 4),
      formatNumber(m.rmse, 4),
      formatNumber(m.see, 4),
      `${formatNumber(m.bias, 4)} [${formatNumber(m.loaLower, 4)}, ${formatNumber(m.loaUpper, 4)}]`,
      `${formatNumber(m.slope)} / ${formatNumber(m.intercept, 4)}`,
    ];
  });
  return {
    header: ['measurement', 'n', 'r (95 % CI)', 'ICC(2,1) (95 % CI)', 'ICC(3,1)', 'R^2', 'MAE', 'RMSE', 'SEE', 'bias [95 % LoA]', 'slope / intercept'],
    rows,
  };
}

export function classTable(document: MetricsDocument): TableLayout | undefined {
  const c = document.classification;
  if (c === null) return undefined;
  const cell = (value: number, ci: Interval): string => `${formatNumber(value)} (${formatInterval(ci)})`;
  return {
    header: ['class', 'n', 'sensitivity', 'specificity', 'PPV', 'NPV', 'AUC (DeLong)'],
    rows: BMD_CATEGORIES.map((category) => {
      const m = c.perClass[category];
      return [
        category,
        String(m.support),
        cell(m.sensitivity, m.sensitivityCi95),
        cell(m.specificity, m.specificityCi95),
        cell(m.ppv, m.ppvCi95),
        cell(m.npv, m.npvCi95),
        cell(m.auc, m.aucCi95),
      ];
    }),
  };
}

/** The screening flag's figures in one sentence; undefined without a refer_dxa column. */
export function referralSentence(document: MetricsDocument): string | undefined {
  const r = document.referral;
  if (r === null) return undefined;
  const share = (value: number, ci: Interval): string => `${formatNumber(100 * value, 1)} % (${formatNumber(100 * ci[0], 1)}-${formatNumber(100 * ci[1], 1)})`;
  return `Referral for DXA (refer_dxa) against ${r.truthFrom}: ${r.referred} of ${r.n} studies referred, ${r.osteoporotic} osteoporotic; sensitivity ${share(r.sensitivity, r.sensitivityCi95)}, specificity ${share(r.specificity, r.specificityCi95)}, PPV ${share(r.ppv, r.ppvCi95)}, NPV ${share(r.npv, r.npvCi95)} (${r.ciMethod}; ${r.excluded} studies without a flag or a truth category left out).`;
}

export function problemLines(document: MetricsDocument, limit: number): string[] {
  const lines = document.problems
    .slice(0, limit)
    .map((p) => `${displayName(p.file)}:${p.line} case_id '${p.caseId}'${p.column === undefined ? '' : ` [${p.column}]`}: ${p.problem}`);
  if (document.problems.length > limit) lines.push(`... and ${document.problems.length - limit} more (all listed in metrics.json)`);
  return lines;
}
