import type { ForearmModel } from './forearm-model.js';
import type { ForearmAnalysis } from './analyze-forearm.js';
import { refusingFlags } from './analyze-forearm.js';
import { KEY_POINT_NAMES } from './forearm-networks.js';

/** Where the model's figures come from, in one line each (every number says its source). */
export function modelProvenanceLines({ description: model, parameters, metrics }: Pick<ForearmModel, 'description' | 'parameters' | 'metrics'>): string[] {
  const t = model.trainingData;
  const cohort = `${t.simulated === true ? 'SIMULATED ' : ''}cohort of ${t.cases} cases (${t.description ?? t.cohort})`;
  const lines = [`Model ${model.name} (${model.pipeline}, openbmd ${model.version}), Eq. [2] fitted on a ${cohort}`];
  const networksFrom = parameters.networksFrom;
  if (networksFrom?.cases !== undefined)
    lines.push(
      `Networks (background removal, key points) trained on a ${networksFrom.simulated === true ? 'SIMULATED ' : ''}cohort of ${networksFrom.cases} other cases (${networksFrom.description ?? 'not described'})`,
    );
  const oof = metrics.outOfFold;
  if (oof !== undefined)
    lines.push(
      `Validated by ${oof.folds}-fold patient-grouped cross-validation on that cohort: r = ${oof.pcc.toFixed(3)}, MAE = ${oof.mae.toFixed(3)} g/cm2 (n = ${oof.n})`,
    );
  return lines;
}

/** The forearm part of result.json: detector and equation, calibration, wedge, key points and ROIs. */
export function forearmDetails(a: ForearmAnalysis): Record<string, unknown> {
  const m = a.measurement;
  const pixelMm = a.image.spacingMm[0];
  return {
    detector: a.detector,
    equationScope: a.equationScope ?? null,
    calibration: {
      r: m.calibration.r,
      slopeMmPerGrey: m.calibration.slopeMmPerGrey,
      interceptMm: m.calibration.interceptMm,
      stepGrey: m.calibration.stepGrey,
      thicknessMm: m.calibration.thicknessMm,
      wedgeBackgroundGrey: m.calibration.backgroundGrey,
      curve: m.calibration.knots,
    },
    gridLinesRemoved: m.gridLines.map((g) => ({ across: g.across, periodPixels: g.periodPixels, peakRatio: g.peakRatio })),
    wedge: {
      score: m.wedge.score,
      angleDeg: (m.wedge.pose.angleRad * 180) / Math.PI,
      centerPx: m.wedge.pose.centerPx,
      corners: m.wedge.corners,
      stepCenters: m.wedge.stepCenters,
    },
    keyPoints: a.location.keyPoints.map((p, i) => ({ name: KEY_POINT_NAMES[i], pixel: p, confidence: a.location.keyPointConfidence[i] })),
    rois: {
      radiusSquare: m.geometry.radiusSquare,
      softTissue: m.geometry.softTissue,
      softTissueSide: m.geometry.softTissueSide,
      background: m.geometry.background,
      radiusPixels: m.rois.radiusPixels,
      radiusAreaMm2: m.rois.radiusPixels * pixelMm * pixelMm,
      radiusGrey: m.rois.radiusGrey,
      softTissueGrey: m.rois.softTissueGrey,
      backgroundGrey: m.rois.backgroundGrey,
      radiusThicknessMm: m.rois.radiusThicknessMm,
      softTissueThicknessMm: m.rois.softTissueThicknessMm,
      softTissueUnderRadiusMm: m.rois.softTissueUnderRadiusMm,
      seed000: m.rois.seed000,
      softTissueBaselineRows: { fitted: m.rois.baseline.rowsFitted, of: m.rois.baseline.rows },
    },
  };
}

/** The lines under the overlay and in the report. */
export function forearmSummaryLines(a: ForearmAnalysis): string[] {
  const m = a.measurement;
  const refusing = refusingFlags(a.flags);
  const abmd =
    a.abmdGPerCm2 === undefined
      ? 'not computed (the model has no Eq. [2] fit)'
      : refusing.length > 0
        ? `not reported (QC failed: ${refusing.join(', ')})`
        : `${a.abmdGPerCm2.toFixed(3)} g/cm2${a.interpretation === undefined ? '' : ` - ${a.interpretation.wording}`}`;
  return [
    `Distal-radius aBMD (Eq. [2]): ${abmd}`,
    `Step wedge: ${m.calibration.thicknessMm.length} steps, calibration r = ${m.calibration.r.toFixed(4)}, angle ${((m.wedge.pose.angleRad * 180) / Math.PI).toFixed(1)} deg, Eq. [1] score ${m.wedge.score.toFixed(3)}`,
    `Equivalent wedge thickness: radius ${m.rois.radiusThicknessMm.toFixed(2)} mm (${m.rois.radiusPixels} bone pixels), soft tissue beneath it ${Number.isFinite(m.rois.softTissueUnderRadiusMm) ? `${m.rois.softTissueUnderRadiusMm.toFixed(2)} mm` : 'not estimated'} (${m.rois.baseline.rowsFitted}/${m.rois.baseline.rows} rows), rectangle ${m.rois.softTissueThicknessMm.toFixed(2)} mm (${m.geometry.softTissueSide})`,
    `Eq. [2]: ${a.equationScope === undefined ? 'not applied' : a.equationScope === 'detector' ? `this detector's own (${a.detector})` : `pooled over the training detectors${a.flags.includes('detector-not-in-training') ? ` (${a.detector} was not among them)` : ''}`}`,
    `QC flags: ${a.flags.length === 0 ? 'none' : a.flags.join(', ')}`,
  ];
}
