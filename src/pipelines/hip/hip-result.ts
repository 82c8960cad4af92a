import type { ClinicalInterpretation } from '../../clinical/index.js';
import type { HipAnalysis, HipSideAnalysis } from './analyze-hip.js';
import { hipRefusingFlags } from './analyze-hip.js';
import type { HipModel } from './model/hip-model.js';

/** Where the numbers come from: the model, its training cohort, and what its BMD lines were fitted on. */
export function hipProvenanceLines({ description: model, parameters }: Pick<HipModel, 'description' | 'parameters'>): string[] {
  const t = model.trainingData;
  const cohort = `${t.simulated === true ? 'SIMULATED ' : ''}cohort of ${t.cases} radiographs (${t.description ?? t.cohort})`;
  const c = parameters.calibration;
  const r = parameters.regression;
  return [
    `Model ${model.name} (${model.pipeline}, openbmd ${model.version}), trained on a ${cohort}`,
    ...(r === undefined
      ? []
      : [
          `Stage three: regression network (seed 001's R, sample-weighted L1), trained on ${r.trainedOn}${r.lines === undefined ? '' : '; recalibrated by a line per measure'}`,
        ]),
    `PF-DRR lines: PF-DRR mean above ${c.thresholdGPerCm2.toFixed(2)} g/cm2, fitted on ${c.fittedOn}`,
    `Reported BMD: ${r === undefined || r.reported === 'pf-drr-line' ? 'the PF-DRR lines' : r.reported === 'regression' ? 'the regression network' : 'the mean of the PF-DRR lines and the regression network'}`,
  ];
}

function tScoreText(i: ClinicalInterpretation | undefined): string {
  return i?.tScore === undefined ? '' : `, T = ${i.tScore.score.toFixed(1)}`;
}

/** One hip's figures in words. */
export function hipSideLine(s: HipSideAnalysis): string {
  const e = s.estimates;
  const parts = [
    e.femneck_abmd === undefined ? undefined : `femoral neck aBMD ${e.femneck_abmd.toFixed(3)} g/cm2${tScoreText(s.interpretations.femneck_abmd)}`,
    e.tothip_abmd === undefined ? undefined : `total hip aBMD ${e.tothip_abmd.toFixed(3)} g/cm2${tScoreText(s.interpretations.tothip_abmd)}`,
    e.hip_vbmd === undefined ? undefined : `proximal femur vBMD ${e.hip_vbmd.toFixed(0)} mg/cm3`,
  ].filter((p): p is string => p !== undefined);
  return `${s.side === 'left' ? 'Left' : 'Right'} hip: ${parts.join('; ')} (PF-DRR mean ${s.feature.meanGPerCm2.toFixed(3)} g/cm2 over ${(s.feature.areaMm2 / 100).toFixed(1)} cm2)`;
}

/** The lines a reader sees first. A refused study shows why, and no number. */
export function hipSummaryLines(a: HipAnalysis): string[] {
  const refusing = hipRefusingFlags(a.flags);
  if (refusing.length > 0) return [`No hip BMD reported (${refusing.join(', ')}): ${a.notes.join('; ')}`];
  const reported = a.sides[a.reported];
  const other = a.sides[a.reported === 'left' ? 'right' : 'left'];
  const lines = [`${hipSideLine(reported)} (estimated from the radiograph)`];
  if (a.interpretation !== undefined) lines.push(a.interpretation.wording);
  lines.push(
    `Other ${hipSideLine(other).replace(/^./, (c) => c.toLowerCase())}${other.implausible === undefined ? '' : ` [implausible: ${other.implausible}]`}`,
  );
  if (a.flags.length > 0) lines.push(`QC: ${a.flags.join(', ')}${a.notes.length > 0 ? ` (${a.notes.join('; ')})` : ''}`);
  return lines;
}

/** The hip part of result.json: per hip, the field, the PF-DRR's mean and area, the estimates and their checks. */
export function hipDetails(a: HipAnalysis): Record<string, unknown> {
  const side = (s: HipSideAnalysis): Record<string, unknown> => ({
    fieldCentrePx: { row: +s.placement.centreRowPx.toFixed(1), column: +s.placement.centreColumnPx.toFixed(1) },
    mirrored: s.placement.mirrored,
    pfDrrMeanGPerCm2: +s.feature.meanGPerCm2.toFixed(4),
    pfDrrAreaMm2: +s.feature.areaMm2.toFixed(0),
    estimates: s.estimates,
    estimatedBy: s.estimatedBy,
    pfDrrLineEstimates: s.lineEstimates,
    regressionEstimates: s.regressionEstimates ?? null,
    tScores: Object.fromEntries(Object.entries(s.interpretations).map(([m, i]) => [m, i.tScore?.score ?? null])),
    implausible: s.implausible ?? null,
  });
  return { reportedSide: a.reported, left: side(a.sides.left), right: side(a.sides.right), notes: a.notes };
}
