import { median } from '../../stats/descriptive.js';
import { pearsonCorrelation } from '../../stats/pearson-correlation.js';
import type { ForearmCaseMeasurement } from './measure-forearm-case.js';

/** Seed 000's Tables 2 and 3 and Figure 7 on the labelled cases of a cohort (networks never trained on them). */
export interface ForearmStageValidation {
  cases: number;
  keyPoints: { medianMm: number; meanMm: number; sdMm: number; outliersOver10MmShare: number; points: number };
  segmentation: { forearmDiceMean: number; forearmDiceMin: number; wedgeDiceMean: number };
  roi: { diceMean: number | null; diceMedian: number | null; thicknessVsTruthRoiR: number | null; cases: number };
}

const meanOf = (v: number[]): number => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);

export function summariseForearmStages(measurements: readonly ForearmCaseMeasurement[]): ForearmStageValidation | undefined {
  const labelled = measurements.filter((m) => m.validation !== undefined);
  if (labelled.length === 0) return undefined;
  const errors = labelled.flatMap((m) => m.validation!.keyPointErrorsMm);
  const mean = meanOf(errors);
  const sd = Math.sqrt(errors.reduce((s, e) => s + (e - mean) ** 2, 0) / Math.max(1, errors.length - 1));
  const forearmDice = labelled.map((m) => m.validation!.forearmDice);
  const withRoi = labelled.filter(
    (m) => m.validation!.roiDice !== undefined && m.validation!.truthRoiThicknessMm !== undefined && Number.isFinite(m.radiusThicknessMm),
  );
  const roiDice = withRoi.map((m) => m.validation!.roiDice!);
  return {
    cases: labelled.length,
    keyPoints: {
      medianMm: median(errors),
      meanMm: mean,
      sdMm: sd,
      outliersOver10MmShare: errors.filter((e) => e > 10).length / errors.length,
      points: errors.length,
    },
    segmentation: {
      forearmDiceMean: meanOf(forearmDice),
      forearmDiceMin: Math.min(...forearmDice),
      wedgeDiceMean: meanOf(labelled.map((m) => m.validation!.wedgeDice)),
    },
    roi: {
      diceMean: roiDice.length > 0 ? meanOf(roiDice) : null,
      diceMedian: roiDice.length > 0 ? median(roiDice) : null,
      thicknessVsTruthRoiR:
        withRoi.length >= 3
          ? pearsonCorrelation(
              withRoi.map((m) => m.radiusThicknessMm),
              withRoi.map((m) => m.validation!.truthRoiThicknessMm!),
            ).r
          : null,
      cases: withRoi.length,
    },
  };
}

export function formatStageValidation(v: ForearmStageValidation): string[] {
  const f = (x: number | null, d = 3): string => (x === null ? 'n/a' : x.toFixed(d));
  return [
    `key points (${v.keyPoints.points} on ${v.cases} cases): median ${f(v.keyPoints.medianMm)} mm, mean ${f(v.keyPoints.meanMm)} +- ${f(v.keyPoints.sdMm)} mm, ${(100 * v.keyPoints.outliersOver10MmShare).toFixed(1)} % over 10 mm`,
    `background removal: hand/forearm Dice mean ${f(v.segmentation.forearmDiceMean)} (min ${f(v.segmentation.forearmDiceMin)}), wedge Dice mean ${f(v.segmentation.wedgeDiceMean)}`,
    `radius ROI (${v.roi.cases} cases): Dice mean ${f(v.roi.diceMean)} (median ${f(v.roi.diceMedian)}), equivalent thickness vs ground-truth ROI r = ${f(v.roi.thicknessVsTruthRoiR, 4)}`,
  ];
}
