import { TARGET_LEVELS } from './ct-spine-networks.js';
import type { CtSpineCaseMeasurement } from './measure-ct-spine-case.js';

/** Localisation and segmentation against a labelled cohort the networks did not train on. */
export interface CtSpineStageValidation {
  cases: number;
  /** Levels present in the series (truth) and found; found levels that are present. */
  localisation: { present: number; found: number; truePositive: number; recall: number; precision: number; medianErrorMm: number; maxErrorMm: number };
  dice: {
    network: { n: number; mean: number; median: number; min: number; shareAbove090: number };
    ellipticalRoi: { n: number; mean: number; median: number };
  };
}

function summary(values: number[]): { n: number; mean: number; median: number; min: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: values.length,
    mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
    median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
  };
}

/**
 * Figures of the labelled cases: a level is present when the cohort's landmarks place its centre in
 * the series, and a found level is a true positive when it lies within 15 mm of that centre.
 */
export function summariseCtSpineStages(
  measurements: readonly (CtSpineCaseMeasurement & { truthCentresMm?: Partial<Record<string, [number, number, number]>> })[],
): CtSpineStageValidation | undefined {
  const labelled = measurements.filter((m) => m.truthCentresMm !== undefined);
  if (labelled.length === 0) return undefined;
  let present = 0;
  let found = 0;
  let truePositive = 0;
  const errors: number[] = [];
  const dice: number[] = [];
  const roiDice: number[] = [];
  for (const m of labelled) {
    for (const level of TARGET_LEVELS) {
      const truth = m.truthCentresMm![level];
      const l = m.levels.find((x) => x.level === level)!;
      if (truth !== undefined) present++;
      if (l.found) found++;
      if (truth !== undefined && l.centreMm !== null) {
        const error = Math.hypot(l.centreMm[0] - truth[0], l.centreMm[1] - truth[1], l.centreMm[2] - truth[2]);
        errors.push(error);
        if (error <= 15) truePositive++;
      }
      if (l.dice !== null) dice.push(l.dice);
      if (l.roiDice !== null) roiDice.push(l.roiDice);
    }
  }
  const e = summary(errors);
  const d = summary(dice);
  const r = summary(roiDice);
  return {
    cases: labelled.length,
    localisation: {
      present,
      found,
      truePositive,
      recall: present > 0 ? truePositive / present : Number.NaN,
      precision: found > 0 ? truePositive / found : Number.NaN,
      medianErrorMm: e.median,
      maxErrorMm: errors.length > 0 ? Math.max(...errors) : Number.NaN,
    },
    dice: {
      network: { ...d, shareAbove090: dice.filter((v) => v > 0.9).length / Math.max(1, dice.length) },
      ellipticalRoi: { n: r.n, mean: r.mean, median: r.median },
    },
  };
}

export function formatCtSpineStageValidation(v: CtSpineStageValidation): string[] {
  const l = v.localisation;
  return [
    `localisation on ${v.cases} labelled series: recall ${(100 * l.recall).toFixed(1)} % (${l.truePositive}/${l.present}), precision ${(100 * l.precision).toFixed(1)} % (${l.truePositive}/${l.found}), centre error median ${l.medianErrorMm.toFixed(1)} mm, max ${l.maxErrorMm.toFixed(1)} mm`,
    `cancellous Dice: network mean ${v.dice.network.mean.toFixed(3)} (median ${v.dice.network.median.toFixed(3)}, min ${v.dice.network.min.toFixed(3)}, ${(100 * v.dice.network.shareAbove090).toFixed(0)} % > 0.90, n = ${v.dice.network.n}); elliptical ROI mean ${v.dice.ellipticalRoi.mean.toFixed(3)} (n = ${v.dice.ellipticalRoi.n})`,
  ];
}
