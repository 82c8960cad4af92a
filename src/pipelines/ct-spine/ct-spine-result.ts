import type { CtSpineModel } from './ct-spine-model.js';
import type { CtSpineAnalysis } from './analyze-ct-spine.js';
import { METHOD_NAMES } from './analyze-ct-spine.js';

/** Where a ct-spine model's numbers come from: its networks' cohort, its recalibration's cohort, and the validation figures it carries. */
export function ctSpineProvenanceLines({ description: model, parameters, metrics }: Pick<CtSpineModel, 'description' | 'parameters' | 'metrics'>): string[] {
  const t = model.trainingData;
  const lines = [
    `Model ${model.name} (${model.pipeline}, openbmd ${model.version}); recalibration fitted on a ${t.simulated === true ? 'SIMULATED ' : ''}cohort of ${t.cases} series (${t.description ?? t.cohort})`,
  ];
  const networksFrom = parameters.networksFrom;
  if (networksFrom !== undefined)
    lines.push(
      `Networks (localisation, segmentation, DenseNet) trained on a ${networksFrom.simulated === true ? 'SIMULATED ' : ''}cohort of ${networksFrom.cases} other series (${networksFrom.description ?? 'not described'})`,
    );
  for (const [method, m] of Object.entries(metrics.outOfFold ?? {})) {
    lines.push(`${method}: ${m.folds}-fold patient-grouped CV on that cohort, R2 = ${m.r2.toFixed(3)}, bias = ${m.bias.toFixed(2)} mg/cm3 (n = ${m.n})`);
  }
  return lines;
}

/** The ct-spine part of result.json: the series, per-level findings and vBMD per method, and the calibrations. */
export function ctSpineDetails(a: CtSpineAnalysis): Record<string, unknown> {
  const m = a.measurement;
  return {
    series: {
      ...a.series.info,
      folder: undefined,
      identity: undefined,
      sliceSopInstanceUids: undefined,
      size: a.series.volume.size,
      spacingMm: a.series.volume.spacingMm,
    },
    vbmdMethod: a.vbmd === null ? null : { name: a.vbmd.method, description: METHOD_NAMES[a.vbmd.method] },
    reportedLevels: a.reported?.levels ?? null,
    anatomicalCount: {
      summary: m.anatomy.summary,
      levelsFromAnatomy: m.anatomy.fromAnatomy,
      disagreement: m.anatomy.disagreement,
      ribDisagreement: m.anatomy.ribDisagreement,
    },
    cancellousMean: {
      edgeBlurSigmaMm: m.edgeBlur?.sigmaMm ?? null,
      inPlaneErosionVoxels: m.erosionSteps,
      rule: 'segmentation eroded one voxel, and in-plane to 2 sigma of the edge blur read off the anterior skin (where the blurred cortex reaches)',
    },
    substitutedLevel: a.reported?.substituted ?? null,
    byMethod: a.byMethod,
    ageYearsUsed: a.ageYears ?? null,
    recalibration: {
      scanner: a.recalibrationScanner.name,
      fit: Object.fromEntries(
        Object.entries(a.recalibrationScanner.ownFit).map(([method, own]) => [
          method,
          own
            ? `fitted on this scanner's own reference cases${method !== 'rods' && a.recalibrationScanner.huPerMgPerCm3 !== null ? `, read at the scanner's mean phantomless HU per mg/cm3 (${a.recalibrationScanner.huPerMgPerCm3.toFixed(3)})` : ''}`
            : 'fitted on the whole training cohort',
        ]),
      ),
    },
    levels: m.levels.map((l) => ({
      level: l.level,
      found: l.located.found,
      foundBy: l.located.foundByAnatomy ? 'anatomical count' : l.located.foundBySpacing ? 'spacing' : l.located.found ? 'network' : null,
      confidence: l.located.confidence,
      centreMm: l.located.centreMm,
      notMeasurable: l.notMeasurable,
      cancellousMm3: l.cancellousMm3,
      heightMm: l.heightMm,
      segmentedMeanHu: l.segmentedMeanHu,
      ellipticalRoi:
        l.roi === null
          ? null
          : {
              meanHu: l.roiMeanHu,
              centreMm: l.roi.centreMm,
              semiAxesMm: l.roi.semiAxesMm,
              angleRad: l.roi.angleRad,
              sliceRange: l.roi.sliceRange,
              voxels: l.roi.region.offsets.length,
            },
      vbmdMgPerCm3: a.levelVbmd[l.level],
    })),
    calibration: {
      rods: m.rods === null ? null : m.rods.ok ? m.rods.calibration : { problem: m.rods.problem },
      phantomless: m.phantomless.ok ? m.phantomless.calibration : { problem: m.phantomless.problem },
    },
    coordinates: 'centreMm: index times spacing of the canonical volume (+x patient left, +y posterior, +z superior; k = 0 the most inferior slice)',
  };
}
