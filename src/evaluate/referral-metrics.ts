import type { ClinicalKnowledge } from '../clinical/index.js';
import { classificationSummary, confusionMatrix } from '../stats/index.js';
import { caseCategory } from './case-category.js';
import type { ClassMetrics } from './classification-metrics.js';
import type { JoinedCase } from './join-predictions.js';

/** The referral block of metrics.json: a yes/no screening flag (refer_dxa) against osteoporosis by the cohort's truth. */
export interface ReferralMetrics extends Pick<
  ClassMetrics,
  'sensitivity' | 'sensitivityCi95' | 'specificity' | 'specificityCi95' | 'ppv' | 'ppvCi95' | 'npv' | 'npvCi95'
> {
  column: 'refer_dxa';
  truthFrom: string;
  /** Studies with both a flag and a truth category. */
  n: number;
  osteoporotic: number;
  referred: number;
  ciMethod: string;
  /** Studies without a flag (refused, or no rule) or without a truth category. */
  excluded: number;
}

/** Sensitivity, specificity, PPV and NPV of the flag for osteoporosis (WHO on the cohort's lowest T-score, or ACR QCT): the osteoporosis class of a two-class confusion matrix. */
export function referralMetrics(knowledge: ClinicalKnowledge, cases: readonly JoinedCase[]): ReferralMetrics | undefined {
  const truth: number[] = [];
  const referred: number[] = [];
  const bases = new Set<string>();
  for (const c of cases) {
    const category = caseCategory(knowledge, c.person, c.truth);
    if (c.referDxa === undefined || 'excluded' in category) continue;
    bases.add(category.formed.basis);
    truth.push(category.formed.category === 'osteoporosis' ? 1 : 0);
    referred.push(c.referDxa ? 1 : 0);
  }
  if (truth.length === 0) return undefined;
  const flag = classificationSummary(confusionMatrix(truth, referred, ['other', 'osteoporosis']), 'clopper-pearson').perClass[1]!;
  return {
    column: 'refer_dxa',
    truthFrom: [...bases]
      .map((b) => (b === 'acr-qct' ? 'osteoporosis by ACR QCT on the cohort spine_vbmd' : 'osteoporosis by WHO on the lowest cohort T-score'))
      .join('; '),
    n: truth.length,
    osteoporotic: flag.support,
    referred: referred.reduce((a, b) => a + b, 0),
    sensitivity: flag.sensitivity.value,
    sensitivityCi95: flag.sensitivity.ci95,
    specificity: flag.specificity.value,
    specificityCi95: flag.specificity.ci95,
    ppv: flag.ppv.value,
    ppvCi95: flag.ppv.ci95,
    npv: flag.npv.value,
    npvCi95: flag.npv.ci95,
    ciMethod: 'Clopper-Pearson exact 95 % CIs',
    excluded: cases.length - truth.length,
  };
}
