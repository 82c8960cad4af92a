import { join } from 'node:path';
import { isNiftiPath } from '../../io/nifti.js';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import type { CtRodPhantom } from '../../calibration/ct-rods/ct-rod-phantom.js';
import { readCtRodPhantom } from '../../calibration/ct-rods/ct-rod-phantom.js';
import type { Explanation } from '../../report/analysis-explanation.js';
import type { StudyBase, TrainOutcome } from '../pipeline.js';
import { definePipeline } from '../pipeline.js';
import type { CtSpineAnalysis } from './analyze-ct-spine.js';
import { REFUSING_FLAGS, analyzeCtSpine, ctSpineSummaryLines, refusingFlags } from './analyze-ct-spine.js';
import type { CtSpineCase } from './ct-spine-cohort.js';
import { readCtSpineCohort } from './ct-spine-cohort.js';
import { ctSpineFront } from './ct-spine-front.js';
import { ctSpineMeasurementReport } from './ct-spine-measurement-report.js';
import type { CtSpineModel } from './ct-spine-model.js';
import { disposeCtSpineModel, loadCtSpineModel } from './ct-spine-model.js';
import { ctSpineOverlayPng } from './ct-spine-overlay.js';
import type { CtSpinePredictionRow } from './ct-spine-predictions.js';
import { writeCtSpinePredictions } from './ct-spine-predictions.js';
import { ctSpineDetails, ctSpineProvenanceLines } from './ct-spine-result.js';
import { ctSpineSegmentationObject } from './ct-spine-segmentation-object.js';
import type { CtSpineSeries } from './ct-spine-series.js';
import { readCtSpineNifti, readCtSpineSeries } from './ct-spine-series.js';

export interface CtSpineStudy extends StudyBase {
  series: CtSpineSeries;
  rods: CtRodPhantom | undefined;
}

/** A CT volume in NIfTI-1 rather than a DICOM series folder. */

/** train ct-spine's own options: epochs of the coronal, sagittal, segmentation and DenseNet networks, and the batch size. */
const ctSpineTrainOptions = z
  .object({
    epochs: z
      .string()
      .regex(/^\d+,\d+,\d+(,\d+)?$/, 'wants three or four positive integers CORONAL,SAGITTAL,SEGMENTATION[,DENSENET]')
      .optional()
      .refine((text) => text === undefined || text.split(',').every((e) => Number(e) >= 1), 'every epoch count must be at least 1'),
    batchSize: z.number().int().positive().default(8),
  })
  .strict();

/** Seed 002: spine trabecular vBMD from a low-dose chest/abdomen CT series. */
export const ctSpinePipeline = definePipeline({
  ...ctSpineFront,
  measurementColumns: ['spine_vbmd'],
  refusingFlags: REFUSING_FLAGS,
  trainOptions: ctSpineTrainOptions,
  defaultPhantom: undefined,

  readCohort: readCtSpineCohort,
  caseRequest: (c: CtSpineCase) => ({ inputs: [c.image], phantom: c.phantom }),

  async readStudy(request) {
    const [folder, ...more] = request.inputs;
    if (folder === undefined || more.length > 0)
      throw new OpenBmdError('BAD_ARGUMENT', `the ct-spine pipeline reads one series folder; ${request.inputs.length} inputs were given`, {
        file: request.inputs.join(', '),
      });
    const series = isNiftiPath(folder) ? await readCtSpineNifti(folder) : await readCtSpineSeries(folder);
    const rods = request.phantom === undefined ? undefined : readCtRodPhantom(request.phantom);
    return {
      inputs: request.inputs,
      identity: series.info.identity,
      studyInstanceUid: series.info.studyInstanceUid,
      seriesInstanceUid: series.info.seriesInstanceUid,
      sopInstanceUid: undefined,
      simulated: /SIMULATED/i.test(series.info.seriesDescription ?? ''),
      phantomFile: request.phantom,
      phantom: rods === undefined ? null : { ...rods },
      series,
      rods,
    } satisfies CtSpineStudy;
  },

  loadModel: loadCtSpineModel,
  disposeModel: disposeCtSpineModel,

  async train(tf, request): Promise<TrainOutcome> {
    // The training code (and the NN training stack under it) loads only when training: analyze and predict never need it.
    const [{ FINE_TUNE_EPOCHS }, { CALIBRATION_METHODS, REGRESSION_EPOCHS, trainCtSpine }] = await Promise.all([
      import('./fine-tune-vbmd-regression.js'),
      import('./train-ct-spine.js'),
    ]);
    // A fine-tuning starts from a trained DenseNet: fewer epochs unless they are given.
    const epochs = (request.options.epochs ?? `20,12,8,${request.fineTuneFrom === undefined ? REGRESSION_EPOCHS : FINE_TUNE_EPOCHS}`).split(',').map(Number);
    const batch = request.options.batchSize;
    const result = await trainCtSpine(tf, {
      cohortCsv: request.cohortCsv,
      outDir: request.outDir,
      folds: request.folds,
      seed: request.seed,
      networksFrom: request.networksFrom,
      fineTuneFrom: request.fineTuneFrom,
      epochs: { coronal: epochs[0]!, sagittal: epochs[1]!, segmentation: epochs[2]!, regression: epochs[3] ?? REGRESSION_EPOCHS },
      batchSize: { coronal: batch, sagittal: batch, segmentation: Math.max(1, Math.round(batch / 2)) },
      cores: request.cores,
      command: request.command,
      write: request.write,
    });
    const recalibrationLines = CALIBRATION_METHODS.flatMap((method) => {
      const r = result.recalibration[method];
      if (r === null) return [];
      const age =
        r.withAge === undefined
          ? ''
          : `; with age: ${r.withAge.interceptMgPerCm3.toFixed(2)} + ${r.withAge.slope.toFixed(4)} x calibrated + ${r.withAge.agePerYear.toFixed(4)} x age${r.withAge.fatEquivalentReferenceMgPerCm3 === undefined ? '' : ` x fat equivalent / ${r.withAge.fatEquivalentReferenceMgPerCm3.toFixed(1)} mg/cm3`}`;
      const own = Object.entries(r.byScanner ?? {}).map(
        ([scanner, f]) =>
          `${scanner} ${f.interceptMgPerCm3.toFixed(2)} + ${f.slope.toFixed(4)} x (n = ${f.n}${f.huPerMgPerCm3 === undefined ? '' : `, read at ${f.huPerMgPerCm3.toFixed(3)} HU per mg/cm3`})`,
      );
      return [
        `${method} recalibration: QCT = ${r.interceptMgPerCm3.toFixed(2)} + ${r.slope.toFixed(4)} x calibrated (n = ${r.n})${age}${own.length === 0 ? '' : `; per scanner: ${own.join('; ')}`}`,
      ];
    });
    return {
      modelDir: result.modelDir,
      lines: [...Object.entries(result.stages).map(([stage, what]) => `${stage}: ${what}`), ...recalibrationLines],
      failed: result.failed.length,
      outOfFold: [
        ...(result.predictionsCsv === undefined ? [] : [{ label: 'primary', predictionsCsv: result.predictionsCsv, reportDir: request.outDir }]),
        ...CALIBRATION_METHODS.flatMap((m) => {
          const csv = result.methodPredictionsCsv[m];
          return csv === undefined ? [] : [{ label: m, predictionsCsv: csv, reportDir: join(request.outDir, `method-${m}`) }];
        }),
      ],
    };
  },

  analyze: (tf, model: CtSpineModel, study: CtSpineStudy, { person, knowledge }) =>
    analyzeCtSpine(tf, { model, catalog: model.catalog, series: study.series, phantom: study.rods, who: person, knowledge }),

  summarize: (a: CtSpineAnalysis) => ({
    measurements: [
      {
        column: 'spine_vbmd',
        value: a.vbmd?.mgPerCm3 ?? null,
        unit: 'mg/cm3',
        method:
          a.vbmd === null
            ? `none (${refusingFlags(a.flags).join(', ') || 'no measurable level'})`
            : `${a.vbmd.method}: mean of ${a.reported?.levels.join(' and ') ?? ''}`,
      },
    ],
    interpretation: a.interpretation ?? null,
    qcFlags: a.flags,
    details: ctSpineDetails(a),
  }),

  explain(a: CtSpineAnalysis, model: CtSpineModel, study: CtSpineStudy, banner): Explanation {
    const summary = ctSpineSummaryLines(a);
    const provenance = ctSpineProvenanceLines(model);
    const levelText = Object.fromEntries(
      a.measurement.levels.map((l) => {
        const v = a.levelVbmd[l.level][a.vbmd?.method ?? 'phantomless'];
        return [l.level, l.notMeasurable !== null ? `(${l.notMeasurable.split(' (')[0]})` : v === null ? '' : `${v.toFixed(0)} mg/cm3`];
      }),
    );
    const seg = ctSpineSegmentationObject(study.series, a.measurement, model.description.name, study.simulated);
    return {
      title: 'openbmd: spine trabecular vBMD from a low-dose CT',
      summary,
      clinicalNotes: [...(a.interpretation?.notes ?? []), ...(a.interpretation?.ruleSource === undefined ? [] : [`Rule: ${a.interpretation.ruleSource}`])],
      provenance,
      overlay: ctSpineOverlayPng(study.series.volume, a.measurement, levelText, [...summary, ...provenance.slice(0, 2)], banner),
      secondaryCapture: {
        seriesDescription: `openbmd CT spine vBMD overlay${study.simulated ? ' (SIMULATED)' : ''}`,
        derivationDescription: `openbmd ct-spine pipeline (seed 002 method), model ${model.description.name}; ${summary[0] ?? ''}`,
      },
      ...(seg === null ? {} : { segmentation: seg.options, measurementReport: ctSpineMeasurementReport(a, seg.written, study.simulated) }),
    };
  },

  refusal(a: CtSpineAnalysis) {
    if (a.vbmd === null && a.reported === null && a.measurement.levels.every((l) => !l.located.found))
      return 'no target vertebra (T12, L1, L2) was found: the series may not cover the upper lumbar spine, or the localisation failed on it (the overlay shows what was searched)';
    const refusing = refusingFlags(a.flags);
    if (refusing.length === 0) return undefined;
    // Say why each level could not be measured (a fracture, an implant, the series' edge), not only that none could.
    const why = a.measurement.levels.filter((l) => l.notMeasurable !== null).map((l) => `${l.level}: ${l.notMeasurable!}`);
    return `no vBMD (${refusing.join(', ')})${why.length > 0 ? `: ${why.join('; ')}` : ''}`;
  },

  predictionRow: (caseId, a: CtSpineAnalysis, refusal): CtSpinePredictionRow => ({
    caseId,
    outcome: {
      reportedLevels: a.reported?.levels ?? null,
      rodFitR: a.measurement.rods !== null && a.measurement.rods.ok ? a.measurement.rods.calibration.r : null,
      qcFlags: a.flags,
    },
    ...(refusal === undefined ? { byMethod: a.byMethod } : { error: refusal }),
  }),
  failedRow: (caseId, error): CtSpinePredictionRow => ({ caseId, error }),
  writePredictions: (file, rows) => writeCtSpinePredictions(file, rows, 'primary'),
  unfitted: (model: CtSpineModel) =>
    Object.values(model.recalibration).every((r) => r === null) ? 'has no recalibration fitted: train it on a cohort with spine_vbmd' : undefined,
});
