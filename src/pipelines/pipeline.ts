import type { TensorFlow } from '../nn/tfjs-runtime.js';
import type { z } from 'zod';
import type { ClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import type { Person } from '../clinical/interpret-measurement.js';
import type { MeasurementColumn } from '../clinical/measurement-columns.js';
import type { CohortCase, SiteCohort } from '../io/cohort/site-cohort.js';
import type { DicomIdentity } from '../io/dicom/write/dicom-identity.js';
import type { AnalysisSummary, Explanation } from '../report/analysis-explanation.js';
import type { ModelDescription } from '../nn/model-folder/model-description.js';
import type { InputHeader } from '../io/dicom/read-input-header.js';

/**
 * The sites openbmd has a pipeline for. The registry is a record over them, so adding a site here
 * fails to compile until every place that lists sites handles it.
 */
export const SITES = ['forearm', 'lumbar', 'ct-spine', 'hip'] as const;
export type Site = (typeof SITES)[number];

export function isSite(name: string): name is Site {
  return (SITES as readonly string[]).includes(name);
}

export type Tf = TensorFlow;

/** What a study is read from: a radiograph file, AP + lateral radiographs, or a CT series folder, and the phantom description when the image holds one. */
export interface StudyRequest {
  inputs: readonly string[];
  phantom: string | undefined;
  /** The side a one-sided measurement is of (a hip cohort's hip_side, analyze --side); absent where the pipeline measures no side or none was named. */
  side?: 'left' | 'right';
}

/** What every pipeline's study carries besides its images. */
export interface StudyBase {
  /** The inputs as given (file or folder paths). */
  inputs: readonly string[];
  /** Patient and study attributes of the source (copied onto derived DICOM). */
  identity: DicomIdentity;
  studyInstanceUid: string | undefined;
  seriesInstanceUid: string | undefined;
  sopInstanceUid: string | undefined;
  /** SeriesDescription says SIMULATED (openbmd's simulator marks every image). */
  simulated: boolean;
  /** The phantom description file used, when there is one. */
  phantomFile: string | undefined;
  /** The phantom's description as read (JSON-ready). */
  phantom: Record<string, unknown> | null;
}

/** A loaded model: its folder and its description (model.json); the pipeline's own fitted parts beside them. */
export interface ModelBase {
  dir: string;
  description: ModelDescription;
}

/** The request every pipeline's train takes; its own options are parsed by its trainOptions schema. */
export interface TrainRequest {
  cohortCsv: string;
  outDir: string;
  folds: number | undefined;
  seed: number;
  /** Reuse this model folder's networks as they are. */
  networksFrom: string | undefined;
  /** Start from this model folder's networks and train further. */
  fineTuneFrom: string | undefined;
  cores: number;
  /** The command recorded in model.json. */
  command: string;
  write: (line: string) => void;
}

/** An out-of-fold predictions file train wrote, to be evaluated against the cohort. */
export interface OutOfFoldPredictions {
  /** Which variant it is ('primary', or a method name). */
  label: string;
  predictionsCsv: string;
  /** Where its metrics.json and report go. */
  reportDir: string;
}

export interface TrainOutcome {
  modelDir: string;
  /** What train did, one line per stage (printed by the driver). */
  lines: string[];
  /** Cases that could not be measured. */
  failed: number;
  outOfFold: OutOfFoldPredictions[];
}

/** A predictions.csv row of a pipeline (its writer knows the columns). */
export interface PredictionRowBase {
  caseId: string;
  error?: string;
}

/** Whether an input can be read by a pipeline, from its DICOM header alone. */
export type InputFit = { fits: true } | { fits: false; reason: string } | { fits: 'unknown' };

/**
 * What the drivers know of a pipeline before loading it: enough to name it and to choose it for an
 * input. Each pipeline's front is a small module of its own, so choosing a site does not load every
 * method's networks, codecs and report code (the registry loads the chosen pipeline on first use).
 */
export interface PipelineFront {
  site: Site;
  /** One line: what the pipeline measures, from what. */
  title: string;
  /** The published method it follows. */
  method: string;
  /** What `analyze` takes, in words (for help and refusals). */
  inputDescription: string;
  defaultModelDir(): string;
  /** Whether a DICOM header looks like this pipeline's input (site inference, and the check of a site the user names). */
  inputFit(header: InputHeader): InputFit;
}

/**
 * One method of openbmd, the same shape for every site. `analyze` does no file I/O: the study is
 * read first and the explanation written afterwards by the drivers, so a service can run it too.
 */
export interface Pipeline<
  Study extends StudyBase,
  Model extends ModelBase,
  Analysis,
  TrainOptions,
  Row extends PredictionRowBase,
  Case extends CohortCase,
> extends PipelineFront {
  measurementColumns: readonly MeasurementColumn[];
  /** QC flags with which the number is not reported (analyze exits 2; a predictions row fails). */
  refusingFlags: readonly string[];
  /** The pipeline's own train options (validated; unknown keys refused). */
  trainOptions: z.ZodType<TrainOptions>;
  /** The phantom description assumed when none is given (undefined: none). */
  defaultPhantom: string | undefined;
  readCohort(file: string): SiteCohort<Case>;
  /** The study request of a cohort row. */
  caseRequest(c: Case, defaultPhantom: string | undefined): StudyRequest;
  readStudy(request: StudyRequest): Promise<Study>;
  /**
   * The model folder's networks. With `forRequest` (one study's analysis) a pipeline may leave out
   * networks that study cannot use (lumbar: the variant for views it was not given); without it,
   * every network (cohorts, evaluation).
   */
  loadModel(tf: Tf, dir: string, forRequest?: StudyRequest): Promise<Model>;
  disposeModel(model: Model): void;
  train(tf: Tf, request: TrainRequest & { options: TrainOptions }): Promise<TrainOutcome>;
  analyze(tf: Tf, model: Model, study: Study, context: { person: Person; knowledge: ClinicalKnowledge }): Analysis;
  summarize(analysis: Analysis): AnalysisSummary;
  /** Why the number is not reported (in words a radiographer reads), undefined when it is. */
  refusal(analysis: Analysis): string | undefined;
  /** Why a model cannot give numbers at all (e.g. nothing fitted), undefined when it can. */
  unfitted(model: Model): string | undefined;
  explain(analysis: Analysis, model: Model, study: Study, banner: string | undefined): Explanation;
  /** The predictions row of an analysis; `refusal` names the refusing flags when the number is not reported. */
  predictionRow(caseId: string, analysis: Analysis, refusal: string | undefined): Row;
  failedRow(caseId: string, error: string): Row;
  writePredictions(file: string, rows: readonly Row[]): void;
}

/** Keeps each pipeline's own types while the registry stores them side by side. */
export function definePipeline<
  Study extends StudyBase,
  Model extends ModelBase,
  Analysis,
  TrainOptions,
  Row extends PredictionRowBase,
  Case extends CohortCase,
>(pipeline: Pipeline<Study, Model, Analysis, TrainOptions, Row, Case>): Pipeline<Study, Model, Analysis, TrainOptions, Row, Case> {
  return pipeline;
}

/** A function run on whichever pipeline a site has, its types kept (the registry's withPipeline). */
export type PipelineVisitor<R> = <
  Study extends StudyBase,
  Model extends ModelBase,
  Analysis,
  TrainOptions,
  Row extends PredictionRowBase,
  Case extends CohortCase,
>(
  pipeline: Pipeline<Study, Model, Analysis, TrainOptions, Row, Case>,
) => R;
