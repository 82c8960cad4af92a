import { pearsonCorrelation } from '../stats/pearson-correlation.js';
import { mean, sampleSd } from '../stats/descriptive.js';
import type { SimulatedCase } from './case-output.js';

export interface GroupSummary {
  group: string;
  n: number;
  mean: number;
  sd: number;
}

/** What `simulate --summary` prints and writes to summary.json. */
export interface CohortSummary {
  simulated: true;
  site: string;
  n: number;
  measurement: string;
  unit: string;
  byAgeAndSex: GroupSummary[];
  /** Raw stored grey level of the bone ROI vs the true value: how little raw pixels say across vendors. */
  rawGreyVsTruthR: number | null;
  vendors: Record<string, number>;
}

/** Pediatric age bands [from, to) in years. */
const CHILD_AGE_BANDS: readonly [number, number][] = [[3, 7], [7, 11], [11, 14], [14, 17]];

/** Truth by age band and sex, vendor mix and raw-grey realism check of a simulated cohort. */
export function summariseCohort(site: string, cases: readonly SimulatedCase[]): CohortSummary {
  const measurement = 'forearm_abmd';
  const byAgeAndSex: GroupSummary[] = [];
  for (const sex of ['F', 'M']) {
    for (const [lo, hi] of CHILD_AGE_BANDS) {
      const values = cases
        .filter((c) => c.row['sex'] === sex && Number(c.row['age_years']) >= lo && Number(c.row['age_years']) < hi)
        .map((c) => Number(c.row[measurement]));
      byAgeAndSex.push({ group: `${sex} ${lo}-${hi - 1} y`, n: values.length, mean: values.length > 0 ? mean(values) : NaN, sd: values.length > 1 ? sampleSd(values) : NaN });
    }
  }
  const raw = cases.map((c) => Number(c.facts['roiRawMean']));
  const truth = cases.map((c) => Number(c.row[measurement]));
  const vendors: Record<string, number> = {};
  for (const c of cases) vendors[String(c.facts['vendor'])] = (vendors[String(c.facts['vendor'])] ?? 0) + 1;
  return {
    simulated: true,
    site,
    n: cases.length,
    measurement,
    unit: 'g/cm2',
    byAgeAndSex,
    rawGreyVsTruthR: cases.length >= 3 ? pearsonCorrelation(raw, truth).r : null,
    vendors,
  };
}

export function formatCohortSummary(s: CohortSummary): string {
  const lines = [`SIMULATED ${s.site} cohort, n = ${s.n}: ${s.measurement} (${s.unit}) by sex and age`];
  for (const g of s.byAgeAndSex) lines.push(`  ${g.group.padEnd(12)} n=${String(g.n).padStart(4)}  mean ${fmt(g.mean)}  sd ${fmt(g.sd)}`);
  lines.push(`  vendors: ${Object.entries(s.vendors).map(([v, n]) => `${v} ${n}`).join(', ')}`);
  if (s.rawGreyVsTruthR !== null) lines.push(`  raw grey level of the bone ROI vs true value: r = ${s.rawGreyVsTruthR.toFixed(3)}`);
  return lines.join('\n');
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '  -  ';
}
