import type { ClinicalKnowledge } from '../clinical/index.js';
import type { Interval } from '../stats/index.js';
import { proportion } from '../stats/index.js';
import { caseCategory } from './case-category.js';
import type { JoinedCase } from './join-predictions.js';

/** The referral block of metrics.json: a yes/no screening flag (refer_dxa) against osteoporosis by the cohort's truth. */
export interface ReferralMetrics {
  column: 'refer_dxa';
  truthFrom: string;
  /** Studies with both a flag and a truth category. */
  n: number;
  osteoporotic: number;
  referred: number;
  sensitivity: number;
  sensitivityCi95: Interval;
  specificity: number;
  specificityCi95: Interval;
  ppv: number;
  ppvCi95: Interval;
  npv: number;
  npvCi95: Interval;
  ciMethod: string;
  /** Studies without a flag (refused, or no rule) or without a truth category. */
  excluded: number;
}

/** Sensitivity, specificity, PPV and NPV of the flag for osteoporosis (WHO on the cohort's lowest T-score, or ACR QCT). */
export function referralMetrics(knowledge: ClinicalKnowledge, cases: readonly JoinedCase[]): ReferralMetrics | undefined {
  let truePositive = 0;
  let falsePositive = 0;
  let trueNegative = 0;
  let falseNegative = 0;
  let excluded = 0;
  const bases = new Set<string>();
  for (const c of cases) {
    const truth = caseCategory(knowledge, c.person, c.truth);
    if (c.referDxa === undefined || 'excluded' in truth) {
      excluded++;
      continue;
    }
    bases.add(truth.formed.basis);
    const osteoporotic = truth.formed.category === 'osteoporosis';
    if (osteoporotic && c.referDxa) truePositive++;
    else if (osteoporotic) falseNegative++;
    else if (c.referDxa) falsePositive++;
    else trueNegative++;
  }
  const n = truePositive + falsePositive + trueNegative + falseNegative;
  if (n === 0) return undefined;
  const sensitivity = proportion(truePositive, truePositive + falseNegative, 'clopper-pearson');
  const specificity = proportion(trueNegative, trueNegative + falsePositive, 'clopper-pearson');
  const ppv = proportion(truePositive, truePositive + falsePositive, 'clopper-pearson');
  const npv = proportion(trueNegative, trueNegative + falseNegative, 'clopper-pearson');
  return {
    column: 'refer_dxa',
    truthFrom: [...bases]
      .map((b) => (b === 'acr-qct' ? 'osteoporosis by ACR QCT on the cohort spine_vbmd' : 'osteoporosis by WHO on the lowest cohort T-score'))
      .join('; '),
    n,
    osteoporotic: truePositive + falseNegative,
    referred: truePositive + falsePositive,
    sensitivity: sensitivity.value,
    sensitivityCi95: sensitivity.ci95,
    specificity: specificity.value,
    specificityCi95: specificity.ci95,
    ppv: ppv.value,
    ppvCi95: ppv.ci95,
    npv: npv.value,
    npvCi95: npv.ci95,
    ciMethod: 'Clopper-Pearson exact 95 % CIs',
    excluded,
  };
}
