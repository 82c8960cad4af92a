import { pearsonCorrelation } from '../../../stats/pearson-correlation.js';
import type { HipMeasure } from '../model/pf-drr-bmd.js';
import { HIP_MEASURES } from '../model/pf-drr-bmd.js';

/** Pearson r of estimates against truth per measure (measures with at least 3 pairs): stage three's check on persons held out of it. */
export function heldOutR(
  pairs: readonly { estimate: Partial<Record<HipMeasure, number>>; truth: Partial<Record<HipMeasure, number>> }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of HIP_MEASURES) {
    const xy = pairs.flatMap((p) => (p.estimate[m] === undefined || p.truth[m] === undefined ? [] : [[p.estimate[m], p.truth[m]] as const]));
    if (xy.length < 3) continue;
    out[m] = pearsonCorrelation(
      xy.map((v) => v[0]),
      xy.map((v) => v[1]),
    ).r;
  }
  return out;
}
