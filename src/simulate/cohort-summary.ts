import { pearsonCorrelation } from '../stats/pearson-correlation.js';
import { mean, sampleSd } from '../stats/descriptive.js';
import type { SimulatedCase } from './case-output.js';
import type { SimulatedSite } from './population-model.js';

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
  /** Share of cases per clinical category (WHO for aBMD of adults, ACR for QCT), when the site has one. */
  categories: Record<string, number> | null;
  /** Correlation of the population model's drawn L1-L4 and total-hip aBMD (adults), null for children. */
  spineHipTargetR: number | null;
  /** Raw stored value of the bone ROI vs the true value: how little raw pixels say across devices. */
  rawGreyVsTruthR: number | null;
  vendors: Record<string, number>;
}

const SITE_MEASUREMENT: Record<SimulatedSite, { column: string; unit: string; rawLabel: string }> = {
  forearm: { column: 'forearm_abmd', unit: 'g/cm2', rawLabel: 'raw grey level of the radius ROI' },
  lumbar: { column: 'lumbar_abmd', unit: 'g/cm2', rawLabel: 'raw grey level of the AP L1-L4 ROI' },
  hip: { column: 'tothip_abmd', unit: 'g/cm2', rawLabel: 'raw grey level of the total-hip ROI' },
  'ct-spine': { column: 'spine_vbmd', unit: 'mg/cm3', rawLabel: 'stored HU of L1 cancellous bone' },
};

/** Pediatric and adult age bands [from, to) in years. */
const CHILD_AGE_BANDS: readonly [number, number][] = [
  [3, 7],
  [7, 11],
  [11, 14],
  [14, 17],
];
const ADULT_AGE_BANDS: readonly [number, number][] = [
  [39, 50],
  [50, 60],
  [60, 70],
  [70, 80],
  [80, 96],
];

/** Truth by age band and sex, categories, cross-site correlation, device mix and raw-value realism of a simulated cohort. */
export function summariseCohort(site: SimulatedSite, cases: readonly SimulatedCase[]): CohortSummary {
  const { column, unit } = SITE_MEASUREMENT[site];
  const bands = site === 'forearm' ? CHILD_AGE_BANDS : ADULT_AGE_BANDS;
  const byAgeAndSex: GroupSummary[] = [];
  for (const sex of ['F', 'M']) {
    for (const [lo, hi] of bands) {
      const values = cases
        .filter((c) => c.row['sex'] === sex && Number(c.row['age_years']) >= lo && Number(c.row['age_years']) < hi && c.row[column] !== '')
        .map((c) => Number(c.row[column]));
      byAgeAndSex.push({
        group: `${sex} ${lo}-${hi - 1} y`,
        n: values.length,
        mean: values.length > 0 ? mean(values) : NaN,
        sd: values.length > 1 ? sampleSd(values) : NaN,
      });
    }
  }
  const withCategory = cases.filter((c) => typeof c.facts['category'] === 'string' && c.facts['category'] !== '');
  let categories: Record<string, number> | null = null;
  if (withCategory.length > 0) {
    categories = {};
    for (const c of withCategory) categories[String(c.facts['category'])] = (categories[String(c.facts['category'])] ?? 0) + 1 / withCategory.length;
  }
  const paired = cases.filter((c) => typeof c.facts['targetLumbarAbmd'] === 'number' && typeof c.facts['targetTotalHipAbmd'] === 'number');
  const spineHipTargetR =
    paired.length >= 3
      ? pearsonCorrelation(
          paired.map((c) => Number(c.facts['targetLumbarAbmd'])),
          paired.map((c) => Number(c.facts['targetTotalHipAbmd'])),
        ).r
      : null;
  const measured = cases.filter((c) => Number.isFinite(Number(c.facts['roiRawMean'])) && c.row[column] !== '');
  const vendors: Record<string, number> = {};
  for (const c of cases) vendors[String(c.facts['vendor'])] = (vendors[String(c.facts['vendor'])] ?? 0) + 1;
  return {
    simulated: true,
    site,
    n: cases.length,
    measurement: column,
    unit,
    byAgeAndSex,
    categories,
    spineHipTargetR,
    rawGreyVsTruthR:
      measured.length >= 3
        ? pearsonCorrelation(
            measured.map((c) => Number(c.facts['roiRawMean'])),
            measured.map((c) => Number(c.row[column])),
          ).r
        : null,
    vendors,
  };
}

export function formatCohortSummary(s: CohortSummary): string {
  const lines = [`SIMULATED ${s.site} cohort, n = ${s.n}: ${s.measurement} (${s.unit}) by sex and age`];
  for (const g of s.byAgeAndSex) lines.push(`  ${g.group.padEnd(12)} n=${String(g.n).padStart(4)}  mean ${fmt(g.mean)}  sd ${fmt(g.sd)}`);
  if (s.categories !== null)
    lines.push(
      `  categories: ${Object.entries(s.categories)
        .map(([k, v]) => `${k} ${(100 * v).toFixed(1)} %`)
        .join(', ')}`,
    );
  if (s.spineHipTargetR !== null) lines.push(`  population model: L1-L4 vs total hip aBMD r = ${s.spineHipTargetR.toFixed(3)}`);
  lines.push(
    `  devices: ${Object.entries(s.vendors)
      .map(([v, n]) => `${v} ${n}`)
      .join(', ')}`,
  );
  const site = s.site as SimulatedSite;
  if (s.rawGreyVsTruthR !== null) lines.push(`  ${SITE_MEASUREMENT[site].rawLabel} vs true value: r = ${s.rawGreyVsTruthR.toFixed(3)}`);
  return lines.join('\n');
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '  -  ';
}
