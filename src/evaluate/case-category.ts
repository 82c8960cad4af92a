import {
  type BmdCategory,
  type ClinicalKnowledge,
  type MeasurementColumn,
  type Person,
  interpretMeasurement,
  lowestTScoreCategory,
} from '../clinical/index.js';

const DXA_COLUMNS: readonly MeasurementColumn[] = ['lumbar_abmd', 'femneck_abmd', 'tothip_abmd'];

export type CategoryBasis = 'acr-qct' | 'who-lowest-t';

/** A case's category, how it was formed, and a severity score (larger = lower BMD) for ROC analysis. */
export interface CaseCategory {
  category: BmdCategory;
  basis: CategoryBasis;
  /** -vBMD (mg/cm3) for ACR, -T for WHO: comparable only within one basis. */
  severity: number;
  measurement: MeasurementColumn;
  tableId: string | undefined;
  ruleSource: string;
}

export type CategoryOutcome = { formed: CaseCategory } | { excluded: string };

/**
 * The category a clinician would read from these values: ACR QCT when spine vBMD is given, else
 * WHO on the lowest T-score of lumbar spine, femoral neck and total hip (ISCD).
 */
export function caseCategory(knowledge: ClinicalKnowledge, person: Person, values: Partial<Record<MeasurementColumn, number>>): CategoryOutcome {
  const vbmd = values.spine_vbmd;
  if (vbmd !== undefined) {
    const result = interpretMeasurement(knowledge, 'spine_vbmd', vbmd, person);
    if (result.category === undefined) return { excluded: result.wording };
    return {
      formed: {
        category: result.category,
        basis: 'acr-qct',
        severity: -vbmd,
        measurement: 'spine_vbmd',
        tableId: undefined,
        ruleSource: result.ruleSource ?? '',
      },
    };
  }
  const interpretations = DXA_COLUMNS.flatMap((column) => {
    const value = values[column];
    return value === undefined ? [] : [interpretMeasurement(knowledge, column, value, person)];
  });
  if (interpretations.length === 0) return { excluded: 'no spine vBMD or DXA hip/spine value to form a category from' };
  const lowest = lowestTScoreCategory(interpretations);
  if (lowest === undefined || lowest.category === undefined || lowest.tScore === undefined) {
    return { excluded: interpretations[0]!.wording };
  }
  return {
    formed: {
      category: lowest.category,
      basis: 'who-lowest-t',
      severity: -lowest.tScore.score,
      measurement: lowest.measurement,
      tableId: lowest.tScore.tableId,
      ruleSource: lowest.ruleSource ?? '',
    },
  };
}
