import { z } from 'zod';

/**
 * The share of osteoporotic studies (lowest DXA T-score <= -2.5) a referral rule is chosen to send
 * for DXA, by default. Opportunistic screening trades specificity for sensitivity: a study that is
 * referred costs one DXA scan, one that is missed leaves the disease silent (cf. the 80-90 %
 * sensitivities of the CT-attenuation thresholds of Pickhardt et al., Ann Intern Med 2013).
 */
export const DEFAULT_REFERRAL_SENSITIVITY = 0.8;

/** When a study is flagged for DXA: the classifier's osteoporosis probability at or above a threshold chosen out of fold. */
export const referralRuleSchema = z.object({
  pOsteoporosisAtLeast: z.number().min(0).max(1),
  /** The sensitivity the threshold was chosen to reach on the studies below. */
  targetSensitivity: z.number().gt(0).max(1),
  /** What it reached there: the share of osteoporotic studies at or above the threshold, and of the others below it. */
  sensitivity: z.number().min(0).max(1),
  specificity: z.number().min(0).max(1),
  osteoporotic: z.number().int().positive(),
  others: z.number().int().positive(),
  chosenOn: z.string(),
});

export type ReferralRule = z.infer<typeof referralRuleSchema>;

/** A study's osteoporosis probability and whether its DXA truth is osteoporosis. */
export interface ScoredStudy {
  pOsteoporosis: number;
  osteoporotic: boolean;
}

/**
 * The highest threshold whose sensitivity on these studies reaches the target: the k-th highest
 * probability of the osteoporotic studies, k = ceil(target x their count). Undefined without both
 * osteoporotic and other studies. The studies must not be ones the network trained on (out-of-fold
 * predictions), or the sensitivity it promises is the training set's.
 */
export function chooseReferralRule(o: { studies: readonly ScoredStudy[]; targetSensitivity: number; chosenOn: string }): ReferralRule | undefined {
  const scored = o.studies.filter((s) => Number.isFinite(s.pOsteoporosis));
  const positives = scored
    .filter((s) => s.osteoporotic)
    .map((s) => s.pOsteoporosis)
    .sort((a, b) => b - a);
  const negatives = scored.filter((s) => !s.osteoporotic).map((s) => s.pOsteoporosis);
  if (positives.length === 0 || negatives.length === 0) return undefined;
  const needed = Math.max(1, Math.ceil(o.targetSensitivity * positives.length - 1e-9));
  const threshold = positives[needed - 1]!;
  return {
    pOsteoporosisAtLeast: threshold,
    targetSensitivity: o.targetSensitivity,
    sensitivity: positives.filter((p) => p >= threshold).length / positives.length,
    specificity: negatives.filter((p) => p < threshold).length / negatives.length,
    osteoporotic: positives.length,
    others: negatives.length,
    chosenOn: o.chosenOn,
  };
}

/** Whether a study is flagged for DXA under the rule. */
export function isReferred(rule: Pick<ReferralRule, 'pOsteoporosisAtLeast'>, pOsteoporosis: number): boolean {
  return pOsteoporosis >= rule.pOsteoporosisAtLeast;
}
