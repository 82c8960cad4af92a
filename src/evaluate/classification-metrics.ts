import { BMD_CATEGORIES, type BmdCategory, type ClinicalKnowledge } from '../clinical/index.js';
import {
  type Interval,
  type RocPoint,
  UNDEFINED_INTERVAL,
  classificationSummary,
  confusionMatrix,
  oneVsRestAucs,
  rocCurve,
  splitByLabel,
} from '../stats/index.js';
import { type CaseCategory, caseCategory } from './case-category.js';
import type { JoinedCase } from './join-predictions.js';

export interface ClassMetrics {
  support: number;
  sensitivity: number;
  sensitivityCi95: Interval;
  specificity: number;
  specificityCi95: Interval;
  ppv: number;
  ppvCi95: Interval;
  npv: number;
  npvCi95: Interval;
  accuracy: number;
  accuracyCi95: Interval;
  /** One-vs-rest AUC with its DeLong 95 % CI; NaN when no score ranks this class. */
  auc: number;
  aucCi95: Interval;
}

/** The classification block of metrics.json. */
export interface ClassificationMetrics {
  truthFrom: string;
  predictedFrom: string;
  ruleSources: string[];
  referenceTables: string[];
  n: number;
  excludedCases: { caseId: string; reason: string }[];
  classes: readonly BmdCategory[];
  /** counts[truth][predicted], rows and columns in `classes` order. */
  confusionMatrix: number[][];
  accuracy: number;
  accuracyCi95: Interval;
  kappa: number;
  ciMethod: string;
  aucScore: string | null;
  perClass: Record<BmdCategory, ClassMetrics>;
  notes: string[];
}

/** ROC curves for the report, per class (absent where no score exists). */
export type RocCurves = Partial<Record<BmdCategory, RocPoint[]>>;

export function classificationMetrics(
  knowledge: ClinicalKnowledge,
  cases: readonly JoinedCase[],
  options: { hasCategory: boolean; hasProbabilities: boolean },
): { metrics: ClassificationMetrics; curves: RocCurves } | undefined {
  const included: { item: JoinedCase; truth: CaseCategory; predicted: BmdCategory; predictedSeverity: CaseCategory | undefined }[] = [];
  const excludedCases: { caseId: string; reason: string }[] = [];
  for (const item of cases) {
    const truth = caseCategory(knowledge, item.person, item.truth);
    if ('excluded' in truth) {
      excludedCases.push({ caseId: item.caseId, reason: `truth: ${truth.excluded}` });
      continue;
    }
    const fromValues = caseCategory(knowledge, item.person, item.predicted);
    const formed = 'formed' in fromValues ? fromValues.formed : undefined;
    const predicted = options.hasCategory ? item.predictedCategory : formed?.category;
    if (predicted === undefined) {
      excludedCases.push({
        caseId: item.caseId,
        reason: options.hasCategory ? 'prediction: no valid category' : `prediction: ${'excluded' in fromValues ? fromValues.excluded : ''}`,
      });
      continue;
    }
    included.push({ item, truth: truth.formed, predicted, predictedSeverity: formed });
  }
  if (included.length === 0) return undefined;

  const classIndex = (c: BmdCategory): number => BMD_CATEGORIES.indexOf(c);
  const truthLabels = included.map((c) => classIndex(c.truth.category));
  const matrix = confusionMatrix(
    truthLabels,
    included.map((c) => classIndex(c.predicted)),
    BMD_CATEGORIES,
  );
  const summary = classificationSummary(matrix, 'clopper-pearson');
  const notes: string[] = [];
  const scoreFor = aucScores(included, options.hasProbabilities, notes);
  const aucs = scoreFor === undefined ? [] : oneVsRestAucs(truthLabels, BMD_CATEGORIES.length, (c) => scoreFor.scores(BMD_CATEGORIES[c]!));
  const curves: RocCurves = {};
  const perClass = {} as Record<BmdCategory, ClassMetrics>;
  BMD_CATEGORIES.forEach((category, c) => {
    const diagnostics = summary.perClass[c]!;
    const auc = aucs[c];
    const scores = scoreFor?.scores(category);
    if (scores !== undefined)
      curves[category] = rocCurve(
        splitByLabel(
          scores,
          truthLabels.map((t) => t === c),
        ),
      );
    perClass[category] = {
      support: diagnostics.support,
      sensitivity: diagnostics.sensitivity.value,
      sensitivityCi95: diagnostics.sensitivity.ci95,
      specificity: diagnostics.specificity.value,
      specificityCi95: diagnostics.specificity.ci95,
      ppv: diagnostics.ppv.value,
      ppvCi95: diagnostics.ppv.ci95,
      npv: diagnostics.npv.value,
      npvCi95: diagnostics.npv.ci95,
      accuracy: diagnostics.accuracy.value,
      accuracyCi95: diagnostics.accuracy.ci95,
      auc: auc?.auc ?? Number.NaN,
      aucCi95: auc?.ci95 ?? UNDEFINED_INTERVAL,
    };
  });
  const bases = new Set(included.map((c) => c.truth.basis));
  return {
    metrics: {
      truthFrom: [...bases]
        .map((b) => (b === 'acr-qct' ? 'ACR QCT on the cohort spine_vbmd' : 'WHO on the lowest cohort T-score of lumbar_abmd, femneck_abmd, tothip_abmd'))
        .join('; '),
      predictedFrom: options.hasCategory ? "the predictions' category column" : 'the same rule applied to the predicted measurements',
      ruleSources: [...new Set(included.map((c) => c.truth.ruleSource))].sort(),
      referenceTables: [...new Set(included.flatMap((c) => (c.truth.tableId === undefined ? [] : [c.truth.tableId])))].sort(),
      n: included.length,
      excludedCases,
      classes: BMD_CATEGORIES,
      confusionMatrix: matrix.counts,
      accuracy: summary.accuracy.value,
      accuracyCi95: summary.accuracy.ci95,
      kappa: summary.kappa,
      ciMethod: 'Clopper-Pearson exact 95 % CIs for proportions; DeLong 95 % CIs for AUCs',
      aucScore: scoreFor?.description ?? null,
      perClass,
      notes,
    },
    curves,
  };
}

interface AucScores {
  description: string;
  scores: (category: BmdCategory) => number[] | undefined;
}

/** Probabilities when given; otherwise the predicted severity for the two extreme classes. */
function aucScores(
  included: readonly { item: JoinedCase; predictedSeverity: CaseCategory | undefined }[],
  hasProbabilities: boolean,
  notes: string[],
): AucScores | undefined {
  if (hasProbabilities && included.every((c) => c.item.probabilities !== undefined)) {
    return { description: 'p_normal, p_osteopenia, p_osteoporosis', scores: (category) => included.map((c) => c.item.probabilities![category]) };
  }
  if (hasProbabilities) notes.push('some rows lack valid probabilities: AUCs use the predicted measurements instead');
  const severities = included.map((c) => c.predictedSeverity);
  const bases = new Set(severities.map((s) => s?.basis));
  if (severities.some((s) => s === undefined) || bases.size !== 1) {
    notes.push('no AUC: neither probabilities nor one predicted measurement scale for every case');
    return undefined;
  }
  notes.push('AUCs rank cases by the predicted measurement (lower BMD = more severe); osteopenia-vs-rest has no monotone score without probabilities');
  const severity = severities.map((s) => s!.severity);
  return {
    description: bases.has('acr-qct')
      ? 'predicted spine_vbmd (osteoporosis: lower ranks higher)'
      : 'predicted lowest T-score (osteoporosis: lower ranks higher)',
    scores: (category) => (category === 'osteoporosis' ? severity : category === 'normal' ? severity.map((s) => -s) : undefined),
  };
}
