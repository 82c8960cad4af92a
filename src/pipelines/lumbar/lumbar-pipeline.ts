import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import type { Image2D } from '../../core/image2d.js';
import type { DicomImage } from '../../io/dicom/dicom-image.js';
import { readDicomFile } from '../../io/dicom/read-dicom.js';
import type { Explanation } from '../../report/analysis-explanation.js';
import type { StudyBase, TrainOutcome } from '../pipeline.js';
import { definePipeline } from '../pipeline.js';
import type { LumbarAnalysis } from './analyze-lumbar.js';
import { REFUSING_FLAGS, analyzeLumbar, refusingFlags } from './analyze-lumbar.js';
import type { LumbarCase } from './lumbar-cohort.js';
import { lumbarFront } from './lumbar-front.js';
import { readLumbarCohort } from './lumbar-cohort.js';
import type { LumbarModel } from './lumbar-model.js';
import { disposeLumbarModel, loadLumbarModel } from './lumbar-model.js';
import type { LumbarView } from './lumbar-networks.js';
import { LUMBAR_VARIANTS } from './lumbar-networks.js';
import { lumbarOverlayPng } from './lumbar-overlay.js';
import type { LumbarSourceImage } from './lumbar-measurement-report.js';
import { lumbarMeasurementReport } from './lumbar-measurement-report.js';
import type { LumbarPredictionRow } from './lumbar-predictions.js';
import { writeLumbarPredictions } from './lumbar-predictions.js';
import { lumbarRadiograph } from './lumbar-radiograph.js';
import { DEFAULT_REFERRAL_SENSITIVITY } from './referral-rule.js';
import { lumbarDetails, lumbarProvenanceLines, lumbarSummaryLines } from './lumbar-result.js';

export interface LumbarStudy extends StudyBase {
  images: Partial<Record<LumbarView, Image2D>>;
  files: Partial<Record<LumbarView, string>>;
  /** Each view's UIDs, where its file has them (the SR references the images it measured). */
  sources: Partial<Record<LumbarView, LumbarSourceImage>>;
}

function sourceImage(dicom: DicomImage): LumbarSourceImage | undefined {
  const { sopClassUid, sopInstanceUid, seriesInstanceUid } = dicom;
  return sopClassUid === undefined || sopInstanceUid === undefined || seriesInstanceUid === undefined
    ? undefined
    : { sopClassUid, sopInstanceUid, seriesInstanceUid };
}

/** train lumbar's own options: the BMD variants (the first is the model's primary), covariates, epochs, batch size. */
const lumbarTrainOptions = z
  .object({
    variants: z
      .string()
      .default('ap+lat,ap')
      .transform((text) => text.split(',').map((v) => v.trim()))
      .refine(
        (list) => list.length > 0 && list.every((v) => (LUMBAR_VARIANTS as readonly string[]).includes(v)),
        `each variant is one of ${LUMBAR_VARIANTS.join(', ')}`,
      )
      .transform((list) => [...new Set(list)] as (typeof LUMBAR_VARIANTS)[number][]),
    covariates: z.boolean().default(true),
    bodyContrast: z.boolean().default(true),
    ensemble: z.boolean().default(true),
    compareCovariates: z.boolean().default(false),
    referralSensitivity: z.number().gt(0).max(1).default(DEFAULT_REFERRAL_SENSITIVITY),
    epochs: z
      .string()
      .regex(/^\d+,\d+$/, 'wants two positive integers LOCATOR,BMD')
      // The shipped models' recipe (scripts/ship-lumbar-model.sh); early stopping ends most BMD runs sooner.
      .default('24,20')
      .transform((text) => text.split(',').map(Number) as [number, number])
      .refine((v) => v.every((e) => e >= 1), 'every epoch count must be at least 1'),
    batchSize: z.number().int().positive().default(8),
  })
  .strict();

/** Seeds 003 and 004: lumbar and femoral-neck aBMD and the WHO class from lumbar AP (and lateral) radiographs. */
export const lumbarPipeline = definePipeline({
  ...lumbarFront,
  measurementColumns: ['lumbar_abmd', 'femneck_abmd'],
  refusingFlags: REFUSING_FLAGS,
  trainOptions: lumbarTrainOptions,
  defaultPhantom: undefined,

  readCohort: readLumbarCohort,
  caseRequest: (c: LumbarCase) => ({ inputs: c.imageLat === undefined ? [c.image] : [c.image, c.imageLat], phantom: undefined }),

  async readStudy(request) {
    const [apFile, latFile, ...more] = request.inputs;
    if (apFile === undefined || more.length > 0)
      throw new OpenBmdError(
        'BAD_ARGUMENT',
        `the lumbar pipeline reads an AP radiograph and optionally its lateral; ${request.inputs.length} inputs were given`,
        {
          file: request.inputs.join(', '),
        },
      );
    const apDicom = await readDicomFile(apFile);
    const images: LumbarStudy['images'] = { ap: lumbarRadiograph(apDicom, 'ap') };
    const files: LumbarStudy['files'] = { ap: apFile };
    const sources: LumbarStudy['sources'] = { ap: sourceImage(apDicom) };
    if (latFile !== undefined) {
      const latDicom = await readDicomFile(latFile);
      images.lat = lumbarRadiograph(latDicom, 'lat');
      files.lat = latFile;
      sources.lat = sourceImage(latDicom);
    }
    return {
      inputs: request.inputs,
      identity: apDicom.identity,
      studyInstanceUid: apDicom.studyInstanceUid,
      seriesInstanceUid: apDicom.seriesInstanceUid,
      sopInstanceUid: apDicom.sopInstanceUid,
      simulated: /SIMULATED/i.test(apDicom.seriesDescription ?? ''),
      phantomFile: undefined,
      phantom: null,
      images,
      files,
      sources,
    } satisfies LumbarStudy;
  },

  loadModel: loadLumbarModel,
  disposeModel: disposeLumbarModel,

  async train(tf, request): Promise<TrainOutcome> {
    // The training code loads only when training: analyze and predict never need it.
    const { trainLumbar } = await import('./train-lumbar.js');
    if (request.fineTuneFrom !== undefined)
      throw new OpenBmdError('BAD_ARGUMENT', 'train lumbar does not fine-tune yet: train afresh, or reuse the locators with --networks');
    const [locator, bmd] = request.options.epochs;
    const result = await trainLumbar(tf, {
      cohortCsv: request.cohortCsv,
      outDir: request.outDir,
      folds: request.folds,
      seed: request.seed,
      networksFrom: request.networksFrom,
      variants: request.options.variants,
      covariates: request.options.covariates,
      bodyContrast: request.options.bodyContrast,
      ensemble: request.options.ensemble,
      compareCovariates: request.options.compareCovariates,
      referralSensitivity: request.options.referralSensitivity,
      epochs: { locator, bmd },
      batchSize: request.options.batchSize,
      cores: request.cores,
      command: request.command,
      write: request.write,
    });
    return { modelDir: result.modelDir, lines: result.lines, failed: result.failed, outOfFold: result.outOfFold };
  },

  analyze: (tf, model: LumbarModel, study: LumbarStudy, { person, knowledge }) =>
    analyzeLumbar(tf, { model, images: study.images, files: study.files, person, knowledge }),

  summarize: (a: LumbarAnalysis) => {
    const refused = refusingFlags(a.flags).length > 0 || a.prediction === undefined;
    const method = refused
      ? `none (${refusingFlags(a.flags).join(', ') || 'not measured'})`
      : `seed 003/004 network (${a.used?.variant.toUpperCase() ?? ''}${a.used?.covariates === true ? ' with age, sex and BMI' : ''}) on seed 004's L1-L4 ROIs`;
    return {
      measurements: [
        { column: 'lumbar_abmd', value: refused ? null : a.prediction!.lumbarAbmdGPerCm2, unit: 'g/cm2', method },
        { column: 'femneck_abmd', value: refused ? null : a.prediction!.femneckAbmdGPerCm2, unit: 'g/cm2', method },
      ],
      interpretation: refused ? null : (a.interpretation ?? null),
      qcFlags: a.flags,
      details: lumbarDetails(a),
    };
  },

  explain(a: LumbarAnalysis, model: LumbarModel, study: LumbarStudy, banner): Explanation {
    const summary = lumbarSummaryLines(a);
    const provenance = lumbarProvenanceLines(model);
    const refused = refusingFlags(a.flags).length > 0 || a.prediction === undefined;
    return {
      title: 'openbmd: lumbar and femoral-neck areal BMD from lumbar spine radiographs',
      summary,
      clinicalNotes:
        refused || a.interpretation === undefined
          ? []
          : [...a.interpretation.notes, ...(a.interpretation.ruleSource === undefined ? [] : [`Rule: ${a.interpretation.ruleSource}`])],
      provenance,
      overlay: lumbarOverlayPng(a, [...summary, ...provenance], banner),
      measurementReport: lumbarMeasurementReport({
        analysis: a,
        sources: study.sources,
        identity: study.identity,
        simulated: study.simulated,
        modelName: model.description.name,
      }),
      secondaryCapture: {
        seriesDescription: `openbmd lumbar aBMD overlay${study.simulated ? ' (SIMULATED)' : ''}`,
        derivationDescription: `openbmd lumbar pipeline (seeds 003/004), model ${model.description.name}; ${summary[0] ?? ''}`,
      },
    };
  },

  refusal(a: LumbarAnalysis) {
    const refusing = refusingFlags(a.flags);
    if (refusing.length === 0 && a.prediction !== undefined) return undefined;
    const why = a.notes.length > 0 ? a.notes.join('; ') : 'L1-L4 were not found';
    const ask = refusing.includes('implant-suspected') ? '' : '; is this a lumbar spine radiograph with L1-L4 in the field?';
    return `QC failed (${refusing.join(', ') || 'not measured'}): ${why}${ask}`;
  },
  unfitted: () => undefined,

  predictionRow: (caseId, a: LumbarAnalysis, refusal): LumbarPredictionRow =>
    refusal !== undefined || a.prediction === undefined
      ? { caseId, flags: a.flags, error: refusal ?? 'not measured' }
      : {
          caseId,
          lumbarAbmdGPerCm2: a.prediction.lumbarAbmdGPerCm2,
          femneckAbmdGPerCm2: a.prediction.femneckAbmdGPerCm2,
          category: a.interpretation?.category,
          probabilities: a.prediction.probabilities,
          referDxa: a.referral?.refer,
          ...(a.used === undefined ? {} : { variant: a.used.variant }),
          flags: a.flags,
        },
  failedRow: (caseId, error): LumbarPredictionRow => ({ caseId, error }),
  writePredictions: writeLumbarPredictions,
});
