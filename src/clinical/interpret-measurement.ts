import { OpenBmdError } from '../core/errors.js';
import { acrQctCategory, iscdBelowFiftyWording, iscdPediatricWording, whoCategory } from './bmd-categories.js';
import { type ScoreResult, tScore, zScore } from './bmd-scores.js';
import type { ClinicalKnowledge } from './clinical-knowledge.js';
import { type BmdCategory, type MeasurementColumn, measurementInfo } from './measurement-columns.js';
import type { ReferenceTable } from './reference-table.js';

export interface Person {
  sex?: 'F' | 'M' | undefined;
  ageYears?: number | undefined;
  /** Height and weight, for methods that take BMI as a covariate (seed 004). */
  heightCm?: number | undefined;
  weightKg?: number | undefined;
}

export type ClinicalRule = 'WHO' | 'ACR-QCT' | 'ISCD-pediatric' | 'ISCD-under-50' | 'none';

/** A measurement turned into what a clinician reads, with every table and rule named. */
export interface ClinicalInterpretation {
  measurement: MeasurementColumn;
  value: number;
  unit: string;
  rule: ClinicalRule;
  ruleSource: string | undefined;
  tScore: ScoreResult | undefined;
  zScore: ScoreResult | undefined;
  category: BmdCategory | undefined;
  wording: string;
  notes: string[];
}

export function interpretMeasurement(knowledge: ClinicalKnowledge, measurement: MeasurementColumn, value: number, person: Person): ClinicalInterpretation {
  const base = { measurement, value, unit: measurementInfo(measurement).unit, tScore: undefined, zScore: undefined, category: undefined };
  const { rules } = knowledge;
  const age = person.ageYears;
  const child = age !== undefined && age <= rules.iscdPediatric.maximumAgeYears;

  if (measurement === 'spine_vbmd') {
    if (child) return { ...base, rule: 'none', ruleSource: undefined, wording: 'ACR QCT categories apply to adults only', notes: [] };
    const category = acrQctCategory(value, rules.acrQct);
    return { ...base, rule: 'ACR-QCT', ruleSource: rules.acrQct.source, category, wording: `${category} (ACR QCT)`, notes: [] };
  }
  if (measurement === 'hip_vbmd') {
    return { ...base, rule: 'none', ruleSource: undefined, wording: 'no category rule is defined for proximal-femur vBMD', notes: [] };
  }
  if (child) return pediatric(knowledge, measurement, value, age, base);

  const table = selectedTable(knowledge, knowledge.selection.tScoreTables[measurement]);
  if (table === undefined) {
    return {
      ...base,
      rule: 'none',
      ruleSource: undefined,
      wording: `no adult reference table is installed for ${measurement}: no T-score or category`,
      notes: [],
    };
  }
  const notes = [`T-score against ${table.id} (${knowledge.selection.source})`];
  if (table.deviceNote !== undefined) notes.push(table.deviceNote);
  const t = tScore(value, table);
  if (age !== undefined && age < rules.who.minimumAgeYears) {
    const z = zScore(value, age, table);
    const wording =
      z === undefined
        ? `WHO T-score categories do not apply below ${rules.who.minimumAgeYears}; no age-matched table for a Z-score (${table.ageMatchedNote ?? table.id})`
        : iscdBelowFiftyWording(z.score, rules.iscdPremenopausal);
    return { ...base, tScore: t, zScore: z, rule: 'ISCD-under-50', ruleSource: rules.iscdPremenopausal.source, wording, notes };
  }
  if (age === undefined) notes.push(`age not given: the WHO category assumes ${rules.who.minimumAgeYears} or older`);
  if (t === undefined) return { ...base, rule: 'none', ruleSource: undefined, wording: `${table.id} has no young-adult reference`, notes };
  const category = whoCategory(roundTo(t.score, rules.who.reportedTScoreDecimals), rules.who);
  const z = age === undefined ? undefined : zScore(value, age, table);
  return { ...base, tScore: t, zScore: z, rule: 'WHO', ruleSource: rules.who.source, category, wording: `${category} (WHO, T = ${t.score.toFixed(1)})`, notes };
}

function pediatric(
  knowledge: ClinicalKnowledge,
  measurement: MeasurementColumn,
  value: number,
  age: number | undefined,
  base: Pick<ClinicalInterpretation, 'measurement' | 'value' | 'unit' | 'tScore' | 'zScore' | 'category'>,
): ClinicalInterpretation {
  const rules = knowledge.rules.iscdPediatric;
  const table = selectedTable(knowledge, knowledge.selection.pediatricTables[measurement]);
  const z = table === undefined || age === undefined ? undefined : zScore(value, age, table);
  if (z === undefined) {
    return {
      ...base,
      rule: 'ISCD-pediatric',
      ruleSource: rules.source,
      wording: 'no pediatric reference table: Z-score not available',
      notes: [knowledge.selection.pediatricNote],
    };
  }
  return { ...base, zScore: z, rule: 'ISCD-pediatric', ruleSource: rules.source, wording: iscdPediatricWording(z.score, rules), notes: [] };
}

/** Half away from zero, as a reported T-score is rounded (-2.45 -> -2.5). */
function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * scale + 1e-9)) / scale;
}

function selectedTable(knowledge: ClinicalKnowledge, id: string | null | undefined): ReferenceTable | undefined {
  if (id === null || id === undefined) return undefined;
  const table = knowledge.tables.get(id);
  if (table === undefined) throw new OpenBmdError('INCONSISTENT', `reference selection names table ${id}, which is not installed`);
  return table;
}

/** ISCD: the diagnosis follows the lowest T-score among lumbar spine, femoral neck and total hip. */
export function lowestTScoreCategory(interpretations: readonly ClinicalInterpretation[]): ClinicalInterpretation | undefined {
  let lowest: ClinicalInterpretation | undefined;
  for (const item of interpretations) {
    if (item.rule !== 'WHO' || item.tScore === undefined) continue;
    if (lowest === undefined || item.tScore.score < lowest.tScore!.score) lowest = item;
  }
  return lowest;
}
