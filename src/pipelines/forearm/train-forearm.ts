import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import { MODEL_DESCRIPTION_FILE, networksOrigin, recordedNetworkSpec, saveModelFolder } from '../../nn/model-folder/model-folder.js';
import type { NetworkSpec } from '../../nn/architectures/network-spec.js';
import { errorSummary } from '../../stats/error-summary.js';
import { groupedKFold, groupedPartition } from '../../stats/grouped-splits.js';
import { pearsonCorrelation } from '../../stats/pearson-correlation.js';
import type { AbmdEquationSet } from './abmd-equation-set.js';
import { MIN_CASES_PER_DETECTOR, applyAbmdEquationSet, equationInputsOf, fitAbmdEquationSet, withOutOfFoldErrors } from './abmd-equation-set.js';
import type { ForearmCase, ForearmCohort } from './forearm-cohort.js';
import { trainingCohortRecord } from '../../io/cohort/site-cohort.js';
import { readForearmCohort } from './forearm-cohort.js';
import type { ForearmModel, ForearmNetworks } from './forearm-model.js';
import { defaultForearmModelDir } from './forearm-front.js';
import { CURRENT_EQUATION_INPUTS, FOREARM_PIPELINE, disposeForearmModel, loadForearmModel } from './forearm-model.js';
import { FINE_CROP, FOREARM_NETWORK_NAMES, WHOLE_GRID } from './forearm-networks.js';
import type { ForearmTrainingSample } from './forearm-training-samples.js';
import { readLabelImage } from '../../io/label-image.js';
import { forearmTrainingSample, readKeyPoints } from './forearm-training-samples.js';
import type { ForearmStageValidation } from './forearm-validation-summary.js';
import { formatStageValidation, summariseForearmStages } from './forearm-validation-summary.js';
import type { ForearmCaseMeasurement } from './measure-forearm-case.js';
import { measureForearmCase, readForearmCaseImage } from './measure-forearm-case.js';
import { measureCasesInWorkers } from './measure-cases-in-workers.js';
import { refusingFlags } from './analyze-forearm.js';
import type { ForearmNetworkTrainingOptions, TrainedForearmNetworks } from './train-forearm-networks.js';
import { trainForearmNetworks } from './train-forearm-networks.js';
import { writeForearmPredictions } from './forearm-predictions.js';

export interface TrainForearmOptions {
  cohortCsv: string;
  outDir: string;
  folds: number | undefined;
  seed: number;
  /** Reuse this model folder's networks instead of training them (default when the cohort has no labels: the shipped model). */
  networksFrom: string | undefined;
  /** Fine-tune this model folder's networks on the cohort's labels (instead of training them from fresh weights). */
  fineTuneFrom?: string | undefined;
  /** Networks trained here: the coarse key points on background-removed images (default, seed 000) or not (the Table 3 comparison). */
  backgroundRemoval?: boolean;
  epochs: ForearmNetworkTrainingOptions['epochs'];
  batchSize: number;
  cores: number;
  command: string;
  write: (line: string) => void;
}

/** What `train` did, stage by stage, and where its results are. */
export interface TrainForearmResult {
  modelDir: string;
  stages: Record<'segmentation' | 'coarseLandmarks' | 'fineLandmarks' | 'abmdEquation', string>;
  measured: number;
  failed: { caseId: string; problem: string }[];
  equation: AbmdEquationSet;
  predictionsCsv: string | undefined;
  stageValidation: ForearmStageValidation | undefined;
}

export const EQUATION_DESCRIPTION =
  "thicknesses on the wedge's curve through its background and steps; T_t = soft tissue beneath the radius (DXA's baseline across the bone); P, Q, R per detector with >= 12 training cases, pooled otherwise";
export const SEED_000_EQUATION_DESCRIPTION = "thicknesses on the wedge's least-squares line; T_t = the soft-tissue rectangle; one P, Q, R for all detectors";

/** Fewest labelled cases for which training the networks is attempted rather than reusing a model's. */
const MIN_LABELLED_FOR_NETWORKS = 12;

async function loadSamples(cases: readonly ForearmCase[], write: (line: string) => void): Promise<ForearmTrainingSample[]> {
  const samples: ForearmTrainingSample[] = [];
  const started = Date.now();
  for (const [i, c] of cases.entries()) {
    const image = await readForearmCaseImage(c);
    samples.push(forearmTrainingSample(c.caseId, image, await readLabelImage(c.labels!, image), readKeyPoints(c.landmarks!)));
    if ((i + 1) % 25 === 0 || i + 1 === cases.length) {
      const perCase = (Date.now() - started) / 1000 / (i + 1);
      write(`[forearm] training samples ${i + 1}/${cases.length}, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (cases.length - i - 1))} s`);
    }
  }
  return samples;
}

async function trainOn(
  tf: TensorFlow,
  cases: readonly ForearmCase[],
  o: TrainForearmOptions,
  checkpointDir: string,
  initial: ForearmNetworks | undefined,
): Promise<TrainedForearmNetworks> {
  const partition = groupedPartition(
    cases.map((c) => ({ group: c.patientId })),
    { train: 0.9, validation: 0.1, test: 0 },
    o.seed,
  );
  const samples = await loadSamples(cases, o.write);
  const train = samples.filter((_, i) => partition[i] === 'train');
  const validation = samples.filter((_, i) => partition[i] === 'validation');
  o.write(
    `[forearm] ${initial === undefined ? 'training' : 'fine-tuning'} the networks on ${train.length} labelled cases (${validation.length} for early stopping)`,
  );
  return trainForearmNetworks(tf, train, validation, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    cores: o.cores,
    checkpointDir,
    write: o.write,
    backgroundRemoval: o.backgroundRemoval ?? true,
    ...(initial === undefined ? {} : { initial }),
  });
}

async function measureAll(
  tf: TensorFlow,
  networks: ForearmNetworks,
  backgroundRemoval: boolean,
  cases: readonly ForearmCase[],
  o: TrainForearmOptions,
  label: string,
  failed: TrainForearmResult['failed'],
): Promise<ForearmCaseMeasurement[]> {
  const out: ForearmCaseMeasurement[] = [];
  const started = Date.now();
  for (const [i, c] of cases.entries()) {
    try {
      out.push(await measureForearmCase(tf, networks, c, backgroundRemoval));
    } catch (thrown) {
      if (!(thrown instanceof OpenBmdError) || !thrown.isBadInput) throw thrown;
      failed.push({ caseId: c.caseId, problem: thrown.message });
      o.write(`[forearm] ${c.caseId}: skipped: ${thrown.message}`);
    }
    if ((i + 1) % 20 === 0 || i + 1 === cases.length) {
      const perCase = (Date.now() - started) / 1000 / (i + 1);
      o.write(`[forearm] ${label}: measured ${i + 1}/${cases.length}, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (cases.length - i - 1))} s`);
    }
  }
  return out;
}

/** Cases measured with a saved model's networks, on `o.cores` worker processes. */
async function measureInWorkers(
  modelDir: string,
  cases: readonly ForearmCase[],
  o: TrainForearmOptions,
  failed: TrainForearmResult['failed'],
): Promise<ForearmCaseMeasurement[]> {
  const started = Date.now();
  const outcomes = await measureCasesInWorkers(modelDir, cases, o.cores, (done, total, chunk) => {
    for (const outcome of chunk) if ('error' in outcome) o.write(`[forearm] ${outcome.caseId}: skipped: ${outcome.error}`);
    const perCase = (Date.now() - started) / 1000 / done;
    o.write(`[forearm] cohort: measured ${done}/${total}, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (total - done))} s`);
  });
  const out: ForearmCaseMeasurement[] = [];
  for (const outcome of outcomes) {
    if ('error' in outcome) failed.push({ caseId: outcome.caseId, problem: outcome.error });
    else out.push(outcome.measurement);
  }
  return out;
}

const usableForFit = (m: ForearmCaseMeasurement, variant: EquationVariant = 'openbmd'): boolean => {
  if (m.abmdGPerCm2 === undefined || refusingFlags(m.flags).length > 0) return false;
  const inputs = equationInputsOf(variant === 'openbmd' ? 'under-radius' : 'rectangle', m);
  return Number.isFinite(inputs.radiusMm) && Number.isFinite(inputs.softTissueMm);
};

/** How Eq. [2] is fitted: openbmd's (soft tissue beneath the radius, per detector) or seed 000's (the rectangle, one equation). */
export type EquationVariant = 'openbmd' | 'seed-000';

function fit(measurements: readonly ForearmCaseMeasurement[], variant: EquationVariant = 'openbmd'): AbmdEquationSet {
  const usable = measurements.filter((m) => usableForFit(m, variant)).map((m) => ({ ...m, abmdGPerCm2: m.abmdGPerCm2! }));
  return variant === 'openbmd' ? fitAbmdEquationSet(usable, 'under-radius', true) : fitAbmdEquationSet(usable, 'rectangle', false);
}

/**
 * `openbmd train forearm`: the networks are trained where the cohort has labels (masks and key
 * points) and reused from a model otherwise; Eq. [2] is always fitted. With folds, patient-grouped
 * K-fold cross-validation writes out-of-fold predictions: each fold's Eq. [2] (and, when the networks
 * are trained on this cohort, each fold's networks) never saw the fold's patients.
 */
export async function trainForearm(tf: TensorFlow, o: TrainForearmOptions): Promise<TrainForearmResult> {
  const cohort = readForearmCohort(o.cohortCsv);
  const withTruth = cohort.cases.filter((c) => c.abmdGPerCm2 !== undefined);
  if (withTruth.length < 4)
    throw new OpenBmdError('EMPTY_INPUT', `${withTruth.length} case(s) have forearm_abmd; Eq. [2] needs at least 4`, { file: o.cohortCsv });
  const labelled = cohort.cases.filter((c) => c.labels !== undefined);
  const trainNetworks = o.networksFrom === undefined && labelled.length >= MIN_LABELLED_FOR_NETWORKS;
  const reuseDir = o.networksFrom ?? defaultForearmModelDir();
  mkdirSync(o.outDir, { recursive: true });
  const failed: TrainForearmResult['failed'] = [];
  const checkpoints = join(o.outDir, 'checkpoints');

  if (o.fineTuneFrom !== undefined && labelled.length < MIN_LABELLED_FOR_NETWORKS)
    throw new OpenBmdError('EMPTY_INPUT', `fine-tuning needs labelled cases (masks/ and landmarks/ beside the manifest); the cohort has ${labelled.length}`, {
      file: o.cohortCsv,
    });
  const initialModel = trainNetworks && o.fineTuneFrom !== undefined ? await loadForearmModel(tf, o.fineTuneFrom) : undefined;
  const initial = initialModel?.networks;
  const trainedBackgroundRemoval = o.backgroundRemoval ?? true;
  let reused: ForearmModel | undefined;
  let final: TrainedForearmNetworks | undefined;
  let outOfFold: OutOfFold[] = [];
  let allMeasurements: ForearmCaseMeasurement[];
  if (!trainNetworks) {
    reused = await loadForearmModel(tf, reuseDir);
    o.write(
      `[forearm] reusing the networks of ${reuseDir}${o.networksFrom === undefined ? ` (the cohort has ${labelled.length} labelled cases; ${MIN_LABELLED_FOR_NETWORKS} are needed to train them)` : ''}`,
    );
    allMeasurements = await measureInWorkers(reuseDir, withTruth, o, failed);
    if (o.folds !== undefined) outOfFold = crossValidateEquation(allMeasurements, o.folds, o.seed);
  } else if (o.folds === undefined) {
    final = await trainOn(tf, labelled, o, join(checkpoints, 'all'), initial);
    allMeasurements = await measureAll(tf, final.networks, trainedBackgroundRemoval, withTruth, o, 'cohort (training cases: not a validation)', failed);
  } else {
    // Networks per fold: a fold's cases are measured by networks that never saw them.
    const folds = groupedKFold(
      withTruth.map((c) => ({ group: c.patientId })),
      o.folds,
      o.seed,
    );
    for (let k = 0; k < o.folds; k++) {
      const trainCases = withTruth.filter((c, i) => folds[i] !== k && c.labels !== undefined);
      o.write(`[forearm] fold ${k + 1}/${o.folds}: networks on ${trainCases.length} cases`);
      const trained = await trainOn(tf, trainCases, o, join(checkpoints, `fold-${k + 1}`), initial);
      const held = await measureAll(
        tf,
        trained.networks,
        trainedBackgroundRemoval,
        withTruth.filter((_, i) => folds[i] === k),
        o,
        `fold ${k + 1} held out`,
        failed,
      );
      const train = await measureAll(
        tf,
        trained.networks,
        trainedBackgroundRemoval,
        withTruth.filter((c, i) => folds[i] !== k),
        o,
        `fold ${k + 1} training cases`,
        failed,
      );
      const equation = fit(train);
      const paper = fit(train, 'seed-000');
      for (const m of held) outOfFold.push(heldOutCase(m, equation, paper, k));
      Object.values(trained.networks).forEach((n: tfTypes.LayersModel) => n.dispose());
    }
    final = await trainOn(tf, labelled, o, join(checkpoints, 'all'), initial);
    // The model's own Eq. [2] is fitted on what its own (final) networks measure.
    allMeasurements = await measureAll(tf, final.networks, trainedBackgroundRemoval, withTruth, o, 'cohort with the final networks', failed);
  }
  // Each room's out-of-fold error goes with its equation: a room too far off refuses its numbers.
  const equation = withOutOfFoldErrors(
    fit(allMeasurements),
    outOfFold
      .filter((f) => f.measurement.abmdGPerCm2 !== undefined)
      .map((f) => ({ detector: f.measurement.detector, predictedGPerCm2: f.predicted, referenceGPerCm2: f.measurement.abmdGPerCm2! })),
  );
  // A case that fails in a fold's pass fails again in the final one: count it once.
  const failedOnce = [...new Map(failed.map((f) => [f.caseId, f])).values()];
  const networks = final?.networks ?? reused!.networks;
  // Stage validation counts only cases the networks never trained on: out-of-fold ones, or a reused model's when it was trained on another cohort.
  const reusedOnSameCohort = reused !== undefined && resolve(networksOrigin(reused.description, reused.dir).cohort) === resolve(o.cohortCsv);
  if (reusedOnSameCohort) o.write(`[forearm] the networks of ${reuseDir} were trained on this cohort: their key points and masks here are not a validation`);
  const heldOut =
    o.folds !== undefined && final !== undefined ? outOfFold.map((f) => f.measurement) : final === undefined && !reusedOnSameCohort ? allMeasurements : [];
  const stageValidation = summariseForearmStages(heldOut);
  if (stageValidation !== undefined) for (const line of formatStageValidation(stageValidation)) o.write(`[forearm] ${line}`);

  const predictionsCsv = o.folds === undefined ? undefined : join(o.outDir, 'predictions.csv');
  if (predictionsCsv !== undefined) {
    writeForearmPredictions(
      predictionsCsv,
      outOfFold.map((f) => ({ caseId: f.measurement.caseId, abmdGPerCm2: f.predicted, fold: f.fold + 1, equationScope: f.scope, measurement: f.measurement })),
    );
  }
  const networkStage =
    final === undefined
      ? `reused from ${reuseDir}`
      : initial === undefined
        ? `trained on ${labelled.length} labelled cases`
        : `fine-tuned from ${o.fineTuneFrom} on ${labelled.length} labelled cases`;
  const stages: TrainForearmResult['stages'] = {
    segmentation: networkStage,
    coarseLandmarks: networkStage,
    fineLandmarks: networkStage,
    abmdEquation: `fitted on ${allMeasurements.filter((m) => usableForFit(m)).length} cases with forearm_abmd: pooled, and for ${equation.detectors.length} detector(s) with >= ${MIN_CASES_PER_DETECTOR} cases${equation.detectors.length === 0 ? '' : ` (${equation.detectors.map((d) => `${d.detector}, n = ${d.equation.n}`).join('; ')})`}`,
  };
  const scored = outOfFold.filter((f) => f.measurement.abmdGPerCm2 !== undefined && Number.isFinite(f.predicted) && Number.isFinite(f.paperPredicted));
  const figures = (predicted: number[]) => ({
    pcc: pearsonCorrelation(
      predicted,
      scored.map((f) => f.measurement.abmdGPerCm2!),
    ).r,
    ...errorSummary(
      predicted,
      scored.map((f) => f.measurement.abmdGPerCm2!),
    ),
  });
  const outOfFoldMetrics =
    o.folds === undefined || scored.length < 3
      ? undefined
      : {
          folds: o.folds,
          cases:
            'patients of each fold held out from its Eq. [2] fit' +
            (final === undefined ? ` (networks from ${reuseDir}, trained on another cohort)` : ' and from its networks'),
          equation: EQUATION_DESCRIPTION,
          ...figures(scored.map((f) => f.predicted)),
          seed000Equation: { equation: SEED_000_EQUATION_DESCRIPTION, ...figures(scored.map((f) => f.paperPredicted)) },
        };
  if (outOfFoldMetrics !== undefined) {
    o.write(
      `[forearm] out of fold, openbmd's Eq. [2] (${EQUATION_DESCRIPTION}): r = ${outOfFoldMetrics.pcc.toFixed(4)}; seed 000's (${SEED_000_EQUATION_DESCRIPTION}): r = ${outOfFoldMetrics.seed000Equation.pcc.toFixed(4)}`,
    );
  }
  const backgroundRemoval = reused?.backgroundRemoval ?? trainedBackgroundRemoval;
  await saveForearmModel(tf, o, {
    cohort,
    networks,
    trained: final,
    reused,
    equation,
    stages,
    stageValidation,
    outOfFold: outOfFoldMetrics,
    failedCount: failedOnce.length,
    backgroundRemoval,
  });
  if (stageValidation !== undefined)
    writeFileSync(
      join(o.outDir, 'stage-validation.json'),
      `${JSON.stringify({ simulated: cohort.simulated, cohort: o.cohortCsv, ...stageValidation }, null, 2)}\n`,
    );
  if (initialModel !== undefined) disposeForearmModel(initialModel);
  if (reused !== undefined) disposeForearmModel(reused);
  else if (final !== undefined) Object.values(final.networks).forEach((n: tfTypes.LayersModel) => n.dispose());
  return { modelDir: o.outDir, stages, measured: allMeasurements.length, failed: failedOnce, equation, predictionsCsv, stageValidation };
}

/** One held-out case: openbmd's prediction and seed 000's (the same folds), for the comparison in metrics. */
export interface OutOfFold {
  measurement: ForearmCaseMeasurement;
  predicted: number;
  scope: 'detector' | 'pooled';
  paperPredicted: number;
  fold: number;
}

function heldOutCase(m: ForearmCaseMeasurement, equation: AbmdEquationSet, paper: AbmdEquationSet, fold: number): OutOfFold {
  const { abmdGPerCm2, scope } = applyAbmdEquationSet(equation, m);
  return { measurement: m, predicted: abmdGPerCm2, scope, paperPredicted: applyAbmdEquationSet(paper, m).abmdGPerCm2, fold };
}

/** Eq. [2] cross-validated by patient-grouped folds on measurements made with fixed networks, both variants. */
export function crossValidateEquation(measurements: readonly ForearmCaseMeasurement[], folds: number, seed: number): OutOfFold[] {
  const assignment = groupedKFold(
    measurements.map((m) => ({ group: m.patientId })),
    folds,
    seed,
  );
  const out: OutOfFold[] = [];
  for (let k = 0; k < folds; k++) {
    const train = measurements.filter((_, i) => assignment[i] !== k);
    const equation = fit(train);
    const paper = fit(train, 'seed-000');
    measurements.forEach((m, i) => {
      if (assignment[i] === k) out.push(heldOutCase(m, equation, paper, k));
    });
  }
  return out;
}

/** Everything a forearm model folder records: the networks and how they came about, Eq. [2], and the validation. */
interface ForearmModelToSave {
  cohort: ForearmCohort;
  networks: ForearmNetworks;
  trained: TrainedForearmNetworks | undefined;
  reused: ForearmModel | undefined;
  equation: AbmdEquationSet;
  stages: TrainForearmResult['stages'];
  stageValidation: ForearmStageValidation | undefined;
  outOfFold: Record<string, unknown> | undefined;
  failedCount: number;
  backgroundRemoval: boolean;
}

async function saveForearmModel(tf: TensorFlow, o: TrainForearmOptions, m: ForearmModelToSave): Promise<void> {
  const { cohort, networks, trained, reused, equation, stages, stageValidation, outOfFold, failedCount, backgroundRemoval } = m;
  const specOf = (name: keyof ForearmNetworks): NetworkSpec =>
    trained !== undefined
      ? trained.specs[name]
      : recordedNetworkSpec(reused!.description, FOREARM_NETWORK_NAMES[name], join(reused!.dir, MODEL_DESCRIPTION_FILE));
  const whole = {
    grid: 'whole image fitted into the grid with square pixels, centred, box-averaged',
    columns: WHOLE_GRID.columns,
    rows: WHOLE_GRID.rows,
    intensity: '1st..99th percentile -> 0..1, clipped to [-0.5, 1.5]',
  };
  await saveModelFolder(
    tf,
    o.outDir,
    {
      name: 'forearm-step-wedge',
      pipeline: FOREARM_PIPELINE,
      command: o.command,
      seed: o.seed,
      parameters: {
        // Which inputs the coefficients were fitted on: a model fitted on other inputs is refused when loaded.
        abmdEquation: equation.softTissue === 'under-radius' ? { ...equation, inputs: CURRENT_EQUATION_INPUTS } : equation,
        stages,
        backgroundRemoval,
        ...(reused === undefined ? {} : { networksFrom: networksOrigin(reused.description, reused.dir) }),
      },
      trainingData: trainingCohortRecord(cohort, failedCount),
      metrics: {
        ...(outOfFold === undefined ? {} : { outOfFold }),
        ...(stageValidation === undefined ? {} : { stageValidation }),
        ...(trained === undefined ? {} : { networkTraining: trained.history }),
      },
    },
    {
      [FOREARM_NETWORK_NAMES.segmentation]: {
        model: networks.segmentation,
        spec: specOf('segmentation'),
        preprocessing: { ...whole, output: 'class probabilities background, hand/forearm, step wedge' },
      },
      [FOREARM_NETWORK_NAMES.coarseLandmarks]: {
        model: networks.coarseLandmarks,
        spec: specOf('coarseLandmarks'),
        preprocessing: {
          ...whole,
          backgroundRemoval: backgroundRemoval ? 'input x (1 - P(background)) of the segmentation network' : 'none (the radiograph as it is)',
          output: 'heat maps radial, ulnar key point',
        },
      },
      [FOREARM_NETWORK_NAMES.fineLandmarks]: {
        model: networks.fineLandmarks,
        spec: specOf('fineLandmarks'),
        preprocessing: {
          grid: `${FINE_CROP.size} px square at ${FINE_CROP.pixelMm} mm centred between the coarse key points`,
          intensity: `percentiles of the ${FINE_CROP.contextSize} px context crop`,
          output: 'heat maps radial, ulnar key point',
        },
      },
    },
  );
}
