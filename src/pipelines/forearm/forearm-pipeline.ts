import { basename } from 'node:path';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import { packageDataPath } from '../../core/package-paths.js';
import { readStepWedgePhantom } from '../../calibration/step-wedge/step-wedge-phantom.js';
import { deviceName } from '../../io/dicom/device-name.js';
import { readDicomFile } from '../../io/dicom/read-dicom.js';
import type { Explanation } from '../../report/analysis-explanation.js';
import type { StudyBase, TrainOutcome } from '../pipeline.js';
import { definePipeline } from '../pipeline.js';
import { MAX_ROOM_RMSE_G_PER_CM2, overRoomLimit } from './abmd-equation-set.js';
import type { AbmdEquation } from './abmd-equation.js';
import type { ForearmAnalysis } from './analyze-forearm.js';
import { REFUSING_FLAGS, analyzeForearm, forearmImage, refusingFlags, reportedAbmd } from './analyze-forearm.js';
import type { ForearmCase } from './forearm-cohort.js';
import { readForearmCohort } from './forearm-cohort.js';
import { forearmFront } from './forearm-front.js';
import type { ForearmModel } from './forearm-model.js';
import { disposeForearmModel, loadForearmModel } from './forearm-model.js';
import { forearmOverlayPng } from './forearm-overlay.js';
import type { ForearmPredictionRow } from './forearm-predictions.js';
import { writeForearmPredictions } from './forearm-predictions.js';
import { forearmDetails, forearmSummaryLines, modelProvenanceLines } from './forearm-result.js';
import type { Image2D } from '../../core/image2d.js';
import type { StepWedgePhantom } from '../../calibration/step-wedge/step-wedge-phantom.js';

export interface ForearmStudy extends StudyBase {
  image: Image2D;
  wedge: StepWedgePhantom;
  /** DICOM Manufacturer / ManufacturerModelName: which Eq. [2] applies. */
  detector: string;
}

/** train forearm's own options: epochs of the three networks, batch size, and whether the coarse key points see background-removed images. */
const forearmTrainOptions = z
  .object({
    epochs: z
      .string()
      .regex(/^\d+,\d+,\d+$/, 'wants three positive integers SEGMENTATION,COARSE,FINE')
      .default('16,10,12')
      .transform((text) => text.split(',').map(Number) as [number, number, number])
      .refine((v) => v.every((e) => e >= 1), 'every epoch count must be at least 1'),
    batchSize: z.number().int().positive().default(8),
    backgroundRemoval: z.boolean().default(true),
  })
  .strict();

/** Seed 000: forearm aBMD from a hand/forearm radiograph with a step wedge. */
export const forearmPipeline = definePipeline({
  ...forearmFront,
  measurementColumns: ['forearm_abmd'],
  refusingFlags: REFUSING_FLAGS,
  trainOptions: forearmTrainOptions,
  defaultPhantom: packageDataPath('phantoms', 'step-wedge-4x2mm-ha600.json'),

  readCohort: readForearmCohort,
  caseRequest: (c: ForearmCase, defaultPhantom) => ({ inputs: [c.image], phantom: c.phantom ?? defaultPhantom }),

  async readStudy(request) {
    const [file, ...more] = request.inputs;
    if (file === undefined || more.length > 0)
      throw new OpenBmdError('BAD_ARGUMENT', `the forearm pipeline reads one radiograph; ${request.inputs.length} inputs were given`, {
        file: request.inputs.join(', '),
      });
    if (request.phantom === undefined) throw new OpenBmdError('INVALID_VALUE', "no phantom description (the forearm method needs the step wedge's)", { file });
    const dicom = await readDicomFile(file);
    const image = forearmImage(dicom);
    const wedge = readStepWedgePhantom(request.phantom);
    return {
      inputs: request.inputs,
      identity: dicom.identity,
      studyInstanceUid: dicom.studyInstanceUid,
      seriesInstanceUid: dicom.seriesInstanceUid,
      sopInstanceUid: dicom.sopInstanceUid,
      simulated: /SIMULATED/i.test(dicom.seriesDescription ?? ''),
      phantomFile: request.phantom,
      phantom: { ...wedge },
      image,
      wedge,
      detector: deviceName(dicom.acquisition.manufacturer, dicom.acquisition.model),
    } satisfies ForearmStudy;
  },

  loadModel: loadForearmModel,
  disposeModel: disposeForearmModel,

  async train(tf, request): Promise<TrainOutcome> {
    // The training code loads only when training: analyze and predict never need it.
    const { trainForearm } = await import('./train-forearm.js');
    const [segmentation, coarseLandmarks, fineLandmarks] = request.options.epochs;
    if (request.networksFrom !== undefined && request.fineTuneFrom !== undefined)
      throw new OpenBmdError('BAD_ARGUMENT', 'reusing networks as they are and fine-tuning them exclude each other');
    const result = await trainForearm(tf, {
      cohortCsv: request.cohortCsv,
      outDir: request.outDir,
      folds: request.folds,
      seed: request.seed,
      networksFrom: request.networksFrom,
      fineTuneFrom: request.fineTuneFrom,
      backgroundRemoval: request.options.backgroundRemoval,
      epochs: { segmentation, coarseLandmarks, fineLandmarks },
      batchSize: request.options.batchSize,
      cores: request.cores,
      command: request.command,
      write: request.write,
    });
    const line = (name: string, e: AbmdEquation): string =>
      `Eq. [2] ${name}: P = ${e.pGPerCm2PerMm.toFixed(5)} g/cm2/mm, Q = ${e.q.toFixed(4)}, R = ${e.rGPerCm2.toFixed(4)} g/cm2 (n = ${e.n})`;
    return {
      modelDir: result.modelDir,
      lines: [
        ...Object.entries(result.stages).map(([stage, what]) => `${stage}: ${what}`),
        `Eq. [2]'s T_t is ${result.equation.softTissue === 'under-radius' ? 'the soft tissue beneath the radius' : "seed 000's soft-tissue rectangle"}`,
        line('pooled', result.equation.pooled),
        ...result.equation.detectors.map(
          (d) =>
            line(d.detector, d.equation) +
            (d.outOfFoldRmseGPerCm2 === undefined
              ? ''
              : `; out of fold RMS error ${d.outOfFoldRmseGPerCm2.toFixed(3)} g/cm2${overRoomLimit(d.outOfFoldRmseGPerCm2) ? ` (over ${MAX_ROOM_RMSE_G_PER_CM2}: this room's numbers will be refused)` : ''}`),
        ),
      ],
      failed: result.failed.length,
      outOfFold: result.predictionsCsv === undefined ? [] : [{ label: 'primary', predictionsCsv: result.predictionsCsv, reportDir: request.outDir }],
    };
  },

  analyze: (tf, model: ForearmModel, study: ForearmStudy, { person, knowledge }) =>
    analyzeForearm(tf, { model, image: study.image, phantom: study.wedge, file: study.inputs[0]!, detector: study.detector, person, knowledge }),

  summarize: (a: ForearmAnalysis) => {
    // A number its QC refuses is not reported (nor its category): the refusal says why.
    const refusing = refusingFlags(a.flags);
    const abmd = reportedAbmd(a);
    return {
      measurements: [
        {
          column: 'forearm_abmd',
          value: abmd ?? null,
          unit: 'g/cm2',
          method:
            refusing.length > 0
              ? `none (${refusing.join(', ')})`
              : `Eq. [2] (${a.equationScope === 'detector' ? "this detector's own" : 'pooled'} P, Q, R) on the step-wedge-calibrated distal-radius ROI`,
        },
      ],
      interpretation: abmd === undefined ? null : (a.interpretation ?? null),
      qcFlags: a.flags,
      details: forearmDetails(a),
    };
  },

  explain(a: ForearmAnalysis, model: ForearmModel, study: ForearmStudy, banner): Explanation {
    const summary = forearmSummaryLines(a);
    const provenance = [...modelProvenanceLines(model), `Phantom: ${study.phantomFile === undefined ? 'none' : basename(study.phantomFile)}`];
    return {
      title: 'openbmd: forearm areal BMD from a step-wedge radiograph',
      summary,
      clinicalNotes:
        reportedAbmd(a) === undefined
          ? []
          : [...(a.interpretation?.notes ?? []), ...(a.interpretation?.ruleSource === undefined ? [] : [`Rule: ${a.interpretation.ruleSource}`])],
      provenance,
      overlay: forearmOverlayPng(a, [...summary, ...provenance.slice(0, 2)], banner),
      secondaryCapture: {
        seriesDescription: `openbmd forearm aBMD overlay${study.simulated ? ' (SIMULATED)' : ''}`,
        derivationDescription: `openbmd forearm pipeline (seed 000 method), model ${model.description.name}; ${summary[0] ?? ''}`,
      },
    };
  },

  refusal(a: ForearmAnalysis) {
    const refusing = refusingFlags(a.flags);
    if (refusing.length === 0) return undefined;
    const room =
      a.roomErrorGPerCm2 === undefined
        ? ''
        : `; in training, this room's radiographs (${a.detector}) were off by ${a.roomErrorGPerCm2.toFixed(3)} g/cm2 (RMS, out of fold), over the ${MAX_ROOM_RMSE_G_PER_CM2} a usable aBMD may carry: its processing (multi-scale enhancement, for one) does not keep the wedge and the wrist on one scale; send this room's unprocessed images`;
    return `QC failed (${refusing.join(', ')}): the aBMD is not usable${room}`;
  },
  unfitted: (model: ForearmModel) => (model.equation === undefined ? 'has no Eq. [2] fit: train it on a cohort with forearm_abmd' : undefined),

  predictionRow: (caseId, a: ForearmAnalysis, refusal): ForearmPredictionRow =>
    refusal !== undefined
      ? { caseId, abmdGPerCm2: undefined, error: refusal }
      : {
          caseId,
          abmdGPerCm2: a.abmdGPerCm2,
          ...(a.equationScope === undefined ? {} : { equationScope: a.equationScope }),
          measurement: {
            radiusThicknessMm: a.measurement.rois.radiusThicknessMm,
            softTissueThicknessMm: a.measurement.rois.softTissueThicknessMm,
            softTissueUnderRadiusMm: a.measurement.rois.softTissueUnderRadiusMm,
            seed000: a.measurement.rois.seed000,
            detector: a.detector,
            calibrationR: a.measurement.calibration.r,
            flags: a.flags,
          },
        },
  failedRow: (caseId, error): ForearmPredictionRow => ({ caseId, abmdGPerCm2: undefined, error }),
  writePredictions: writeForearmPredictions,
});
