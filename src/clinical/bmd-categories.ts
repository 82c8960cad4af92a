import type { CategoryRules } from './clinical-rules.js';
import type { BmdCategory } from './measurement-columns.js';

/** WHO: T <= -2.5 osteoporosis; -2.5 < T < -1 osteopenia; T >= -1 normal. */
export function whoCategory(t: number, rules: CategoryRules['who']): BmdCategory {
  if (t <= rules.osteoporosisAtOrBelowT) return 'osteoporosis';
  if (t >= rules.normalAtOrAboveT) return 'normal';
  return 'osteopenia';
}

/** ACR QCT on spine trabecular vBMD (mg/cm3): < 80 osteoporosis, 80-120 osteopenia, > 120 normal. */
export function acrQctCategory(vbmdMgPerCm3: number, rules: CategoryRules['acrQct']): BmdCategory {
  if (vbmdMgPerCm3 < rules.osteoporosisBelow) return 'osteoporosis';
  if (vbmdMgPerCm3 > rules.normalAbove) return 'normal';
  return 'osteopenia';
}

/** ISCD pediatric wording: densitometry alone never says "osteoporosis" in a child. */
export function iscdPediatricWording(z: number, rules: CategoryRules['iscdPediatric']): string {
  return z <= rules.lowForAgeAtOrBelowZ ? 'low bone mineral density for chronological age' : 'bone mineral density within the expected range for age';
}

/** ISCD wording for adults under 50, where T-score categories do not apply. */
export function iscdBelowFiftyWording(z: number, rules: CategoryRules['iscdPremenopausal']): string {
  return z <= rules.belowExpectedAtOrBelowZ ? 'below the expected range for age' : 'within the expected range for age';
}
