import type { BmdCategory } from '../../clinical/index.js';
import type { AucEstimate, PairedAucTest } from '../../stats/delong.js';
import { aucWithDeLong, pairedDeLongTest } from '../../stats/delong.js';

/** One variant's out-of-fold scores: each study's probability of osteoporosis. */
export interface VariantScores {
  label: string;
  pOsteoporosis: ReadonlyMap<string, number>;
}

export interface VariantComparison {
  /** Studies every variant predicted (the comparison is paired on them). */
  studies: number;
  osteoporotic: number;
  aucs: { label: string; auc: AucEstimate }[];
  /** DeLong's test of each pair of variants' osteoporosis AUCs on the same studies. */
  pairs: ({ a: string; b: string } & PairedAucTest)[];
}

/**
 * Seed 004's comparison of its models (AP vs LAT vs AP+LAT, with and without covariates): the
 * osteoporosis AUC of each, with its DeLong CI, and DeLong's paired test between every two, on
 * the studies all of them predicted. Undefined when fewer than two osteoporotic or non-osteoporotic
 * studies remain.
 */
export function compareVariants(variants: readonly VariantScores[], truth: ReadonlyMap<string, BmdCategory>): VariantComparison | undefined {
  const common = [...truth.keys()].filter((id) => variants.every((v) => Number.isFinite(v.pOsteoporosis.get(id))));
  const positive = common.map((id) => truth.get(id) === 'osteoporosis');
  const osteoporotic = positive.filter(Boolean).length;
  if (osteoporotic < 2 || common.length - osteoporotic < 2) return undefined;
  const scores = variants.map((v) => common.map((id) => v.pOsteoporosis.get(id)!));
  const pairs: VariantComparison['pairs'] = [];
  for (let i = 0; i < variants.length; i++)
    for (let j = i + 1; j < variants.length; j++)
      pairs.push({ a: variants[i]!.label, b: variants[j]!.label, ...pairedDeLongTest(scores[i]!, scores[j]!, positive) });
  return {
    studies: common.length,
    osteoporotic,
    aucs: variants.map((v, i) => ({ label: v.label, auc: aucWithDeLong(scores[i]!, positive) })),
    pairs,
  };
}
