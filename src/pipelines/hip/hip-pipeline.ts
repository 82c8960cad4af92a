import { HIP_ESTIMATES } from './model/bmd-regression.js';
import type { RegressionPooling } from '../../nn/architectures/encoder-regression.js';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import type { Image2D } from '../../core/image2d.js';
import { dicomFrameToImage2D } from '../../io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../../io/dicom/read-dicom.js';
import type { Explanation } from '../../report/analysis-explanation.js';
import type { StudyBase, TrainOutcome } from '../pipeline.js';
import { definePipeline } from '../pipeline.js';
import type { HipAnalysis } from './analyze-hip.js';
import { HIP_REFUSING_FLAGS, analyzeHip, hipRefusingFlags } from './analyze-hip.js';
import type { HipSide } from './ct/segment-femur.js';
import type { HipCase } from './hip-cohort.js';
import { readHipCohort } from './hip-cohort.js';
import { hipFront } from './hip-front.js';
import type { HipSourceImage } from './hip-measurement-report.js';
import { hipMeasurementReport } from './hip-measurement-report.js';
import { hipOverlayPng } from './hip-overlay.js';
import type { HipPredictionRow } from './hip-predictions.js';
import { writeHipPredictions } from './hip-predictions.js';
import { hipDetails, hipProvenanceLines, hipSummaryLines } from './hip-result.js';
import type { HipModel } from './model/hip-model.js';
import { disposeHipModel, loadHipModel } from './model/hip-model.js';

export interface HipStudy extends StudyBase {
  image: Image2D;
  file: string;
  /** The hip asked for (a cohort's hip_side, analyze --side); undefined: both are measured and the lower reported. */
  side: HipSide | undefined;
  source: HipSourceImage | undefined;
}

/** train hip's own options. */
const hipTrainOptions = z
  .object({
    epochs: z
      .string()
      .regex(/^\d+,\d+(,\d+)?$/, 'wants BONE,PF[,REGRESSION] epochs (REGRESSION 0 or absent: no stage three)')
      // The shipped model's recipe (scripts/ship-hip-model.sh).
      .default('20,30,40')
      .transform((text) => text.split(',').map(Number) as [number, number, number?])
      .refine((v) => v[0] >= 1 && v[1] >= 1, 'stage one and two need at least 1 epoch each'),
    batchSize: z.number().int().positive().default(4),
    hierarchical: z.boolean().default(true),
    // Chosen on the development cohorts (seed 935): the mean of the two followed BMD best (docs/hip.md).
    estimate: z.enum(HIP_ESTIMATES).default('mean'),
    targets: z.string().min(1).optional(),
    // 1: seed 001's input, the normalised field; 2: with its high-pass beside it (hip-network-input.ts).
    inputChannels: z.union([z.literal(1), z.literal(2)]).default(1),
    // Stage three's pooling over positions: the plain mean, or a learned attention (encoder-regression.ts).
    regressionPooling: z.enum(['average', 'attention'] as const satisfies readonly RegressionPooling[]).default('average'),
    // Stage three's first epochs with the encoder held fixed, then tuned (seed 001's schedule); 0: end to end.
    regressionFreezeEpochs: z.number().int().nonnegative().default(0),
    // Stage three's networks, trained alike from different seeds, their mean reported; 1: seed 001's one.
    regressionMembers: z.number().int().positive().default(1),
  })
  .strict();

/** Seed 001: femoral-neck and total-hip aBMD and proximal-femur vBMD from an AP pelvis radiograph. */
export const hipPipeline = definePipeline({
  ...hipFront,
  measurementColumns: ['femneck_abmd', 'tothip_abmd', 'hip_vbmd'],
  refusingFlags: HIP_REFUSING_FLAGS,
  trainOptions: hipTrainOptions,
  defaultPhantom: undefined,

  readCohort: readHipCohort,
  caseRequest: (c: HipCase) => ({ inputs: [c.image], phantom: undefined, ...(c.side === undefined ? {} : { side: c.side }) }),

  async readStudy(request) {
    const [file, ...more] = request.inputs;
    if (file === undefined || more.length > 0)
      throw new OpenBmdError('BAD_ARGUMENT', `the hip pipeline reads one AP pelvis radiograph; ${request.inputs.length} inputs were given`, {
        file: request.inputs.join(', '),
      });
    const dicom = await readDicomFile(file);
    const { sopClassUid, sopInstanceUid, seriesInstanceUid } = dicom;
    return {
      inputs: request.inputs,
      identity: dicom.identity,
      studyInstanceUid: dicom.studyInstanceUid,
      seriesInstanceUid: dicom.seriesInstanceUid,
      sopInstanceUid: dicom.sopInstanceUid,
      simulated: /SIMULATED/i.test(dicom.seriesDescription ?? ''),
      phantomFile: undefined,
      phantom: null,
      image: dicomFrameToImage2D(dicom),
      file,
      side: request.side,
      source:
        sopClassUid === undefined || sopInstanceUid === undefined || seriesInstanceUid === undefined
          ? undefined
          : { sopClassUid, sopInstanceUid, seriesInstanceUid },
    } satisfies HipStudy;
  },

  loadModel: loadHipModel,
  disposeModel: disposeHipModel,

  async train(tf, request): Promise<TrainOutcome> {
    if (request.fineTuneFrom !== undefined) {
      if (request.networksFrom !== undefined || request.folds !== undefined)
        throw new OpenBmdError(
          'BAD_ARGUMENT',
          'train hip --fine-tune trains stage three afresh and checks it on held-out persons: without --networks or --folds',
        );
      const regressionEpochs = request.options.epochs[2] ?? 40;
      if (regressionEpochs < 1) throw new OpenBmdError('BAD_ARGUMENT', 'train hip --fine-tune trains stage three: the third of --epochs must be at least 1');
      const { fineTuneHipRegression } = await import('./train/fine-tune-hip-regression.js');
      const result = await fineTuneHipRegression(tf, {
        cohortCsv: request.cohortCsv,
        outDir: request.outDir,
        fineTuneFrom: request.fineTuneFrom,
        seed: request.seed,
        // Stage three's epochs: the third of --epochs (the first two, the generator's, are not trained here).
        epochs: regressionEpochs,
        members: request.options.regressionMembers,
        pooling: request.options.regressionPooling,
        freezeEncoderEpochs: request.options.regressionFreezeEpochs,
        estimate: request.options.estimate,
        checkpointDir: request.options.targets ?? `${request.outDir}-checkpoints`,
        command: request.command,
        write: request.write,
      });
      return { ...result, outOfFold: [] };
    }
    if (request.networksFrom !== undefined) {
      const { recalibrateHip } = await import('./train/recalibrate-hip.js');
      return recalibrateHip(tf, {
        cohortCsv: request.cohortCsv,
        outDir: request.outDir,
        networksFrom: request.networksFrom,
        folds: request.folds,
        seed: request.seed,
        command: request.command,
        write: request.write,
      });
    }
    if (request.folds !== undefined)
      throw new OpenBmdError(
        'BAD_ARGUMENT',
        'train hip does not cross-validate its generator: it fits its BMD lines on persons held out of it; validate with predict and evaluate on another cohort (--folds works with --networks)',
      );
    const { trainHip } = await import('./train/train-hip.js');
    const [bone, pf, regression = 0] = request.options.epochs;
    const result = await trainHip(tf, {
      cohortCsv: request.cohortCsv,
      outDir: request.outDir,
      seed: request.seed,
      epochs: { bone, pf, regression },
      hierarchical: request.options.hierarchical,
      estimate: request.options.estimate,
      inputChannels: request.options.inputChannels,
      regressionPooling: request.options.regressionPooling,
      regressionFreezeEpochs: request.options.regressionFreezeEpochs,
      regressionMembers: request.options.regressionMembers,
      batchSize: request.options.batchSize,
      cores: request.cores,
      targetsDir: request.options.targets ?? `${request.outDir}-targets`,
      command: request.command,
      write: request.write,
    });
    return { modelDir: result.modelDir, lines: result.lines, failed: result.failed, outOfFold: [] };
  },

  analyze: (tf, model: HipModel, study: HipStudy, { person, knowledge }) =>
    analyzeHip(tf, { model, image: study.image, file: study.file, side: study.side, person, knowledge }),

  summarize: (a: HipAnalysis) => {
    const refused = hipRefusingFlags(a.flags).length > 0;
    const e = a.sides[a.reported].estimates;
    const method = refused
      ? `none (${hipRefusingFlags(a.flags).join(', ')})`
      : {
          regression: `seed 001 stage three: regression network on the decomposition encoder, ${a.reported} hip`,
          mean: `seed 001, ${a.reported} hip: mean of the PF-DRR line (decomposition, mean above the model's threshold, linear fit) and the stage-three regression network`,
          'pf-drr-line': `seed 001 PF-DRR decomposition of the ${a.reported} hip, mean above the model's threshold, linear fit`,
        }[a.sides[a.reported].estimatedBy];
    return {
      measurements: [
        { column: 'femneck_abmd', value: refused ? null : (e.femneck_abmd ?? null), unit: 'g/cm2', method },
        { column: 'tothip_abmd', value: refused ? null : (e.tothip_abmd ?? null), unit: 'g/cm2', method },
        { column: 'hip_vbmd', value: refused ? null : (e.hip_vbmd ?? null), unit: 'mg/cm3', method },
      ],
      interpretation: refused ? null : (a.interpretation ?? null),
      qcFlags: a.flags,
      details: hipDetails(a),
    };
  },

  explain(a: HipAnalysis, model: HipModel, study: HipStudy, banner): Explanation {
    const summary = hipSummaryLines(a);
    const provenance = hipProvenanceLines(model);
    const refused = hipRefusingFlags(a.flags).length > 0;
    return {
      title: 'openbmd: hip areal BMD from an AP pelvis radiograph',
      summary,
      clinicalNotes:
        refused || a.interpretation === undefined
          ? []
          : [...a.interpretation.notes, ...(a.interpretation.ruleSource === undefined ? [] : [`Rule: ${a.interpretation.ruleSource}`])],
      provenance,
      overlay: hipOverlayPng(a, model.parameters.calibration.thresholdGPerCm2, [...summary, ...provenance], banner),
      measurementReport: hipMeasurementReport({
        analysis: a,
        source: study.source,
        identity: study.identity,
        simulated: study.simulated,
        modelName: model.description.name,
      }),
      secondaryCapture: {
        seriesDescription: `openbmd hip BMD overlay${study.simulated ? ' (SIMULATED)' : ''}`,
        derivationDescription: `openbmd hip pipeline (seed 001), model ${model.description.name}; ${summary[0] ?? ''}`,
      },
    };
  },

  refusal(a: HipAnalysis) {
    const refusing = hipRefusingFlags(a.flags);
    return refusing.length === 0 ? undefined : `QC failed (${refusing.join(', ')}): ${a.notes.join('; ')}`;
  },
  unfitted: () => undefined,

  predictionRow: (caseId, a: HipAnalysis, refusal): HipPredictionRow => {
    const s = a.sides[a.reported];
    return refusal !== undefined
      ? { caseId, side: a.reported, flags: a.flags, error: refusal }
      : {
          caseId,
          femneckAbmdGPerCm2: s.estimates.femneck_abmd,
          tothipAbmdGPerCm2: s.estimates.tothip_abmd,
          hipVbmdMgPerCm3: s.estimates.hip_vbmd,
          category: a.interpretation?.category,
          side: a.reported,
          pfDrrMeanGPerCm2: s.feature.meanGPerCm2,
          flags: a.flags,
        };
  },
  failedRow: (caseId, error): HipPredictionRow => ({ caseId, error }),
  writePredictions: writeHipPredictions,
});
