import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import { MODEL_DESCRIPTION_FILE, networksOrigin, recordedNetworkSpec, saveModelFolder } from '../../nn/model-folder/model-folder.js';
import type { NetworkSpec } from '../../nn/architectures/network-spec.js';
import { loadMaterialCatalog } from '../../physics/material-catalog.js';
import { groupedKFold, groupedPartition } from '../../stats/grouped-splits.js';
import { errorSummary } from '../../stats/error-summary.js';
import { pearsonCorrelation } from '../../stats/pearson-correlation.js';
import type { CtSpineCase } from './ct-spine-cohort.js';
import { trainingCohortRecord } from '../../io/cohort/site-cohort.js';
import { readCtSpineCohort } from './ct-spine-cohort.js';
import type { CtSpineModel, Recalibration } from './ct-spine-model.js';
import { defaultCtSpineModelDir } from './ct-spine-front.js';
import { CT_SPINE_PIPELINE, disposeCtSpineModel, loadCtSpineModel, recalibrateMethods } from './ct-spine-model.js';
import { CORONAL_WINDOW, CT_SPINE_NETWORK_NAMES, SAGITTAL_WINDOW, SEGMENTATION_CROP, SEGMENTATION_WINDOWS_HU } from './ct-spine-networks.js';
import { caseOutcome, writeCtSpinePredictions } from './ct-spine-predictions.js';
import type { CtSpineTrainingSample } from './ct-spine-training-samples.js';
import { ctSpineTrainingSample } from './ct-spine-training-samples.js';
import type { CtSpineCaseMeasurement } from './measure-ct-spine-case.js';
import { calibratedVbmd, measureCtSpineCase, releaseRegressionInputs } from './measure-ct-spine-case.js';
import type { CtSpineStageValidation } from './ct-spine-stage-validation.js';
import { formatCtSpineStageValidation, summariseCtSpineStages } from './ct-spine-stage-validation.js';
import type { VbmdMethod } from './measure-ct-spine.js';
import { VBMD_METHODS } from './measure-ct-spine.js';
import type { CtSpineImageNetworks, CtSpineNetworkTrainingOptions, CtSpineNetworks, CtSpineStage, TrainedCtSpineNetworks } from './train-ct-spine-networks.js';
import { trainCtSpineNetworks } from './train-ct-spine-networks.js';
import type { TrainedVbmdRegression } from './train-vbmd-regression.js';
import { trainVbmdRegression } from './train-vbmd-regression.js';
import { fitRecalibrations, seriesForRecalibration } from './recalibration-fit.js';
import { applyVbmdRegressionToMeasurements } from './vbmd-regression-on-measurements.js';
import { REGRESSION_CROP, REGRESSION_MINERAL_SCALE_MG, REGRESSION_OUTPUT_SCALE_MG } from './vbmd-regression-input.js';
import { vbmdRegressionSamples } from './vbmd-regression-training-data.js';
import { fineTuneVbmdRegression, measurementsWithDensenet } from './fine-tune-vbmd-regression.js';

/** Labelled series needed before train fits its own networks rather than reusing the default ones. */
export const MIN_LABELLED_FOR_NETWORKS = 40;
/** The three vBMD methods of seed 002, each recalibrated to the reference QCT and validated by itself. */
export type CalibrationMethod = VbmdMethod;
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = VBMD_METHODS;
/** Default epochs and batch of the DenseNet regression (early stopping may end sooner). */
export const REGRESSION_EPOCHS = 40;
export const REGRESSION_BATCH = 16;

export interface TrainCtSpineOptions {
  cohortCsv: string;
  outDir: string;
  folds: number | undefined;
  seed: number;
  /** Reuse this model folder's networks (default: train them when the cohort has labels, else the shipped model's). */
  networksFrom: string | undefined;
  /** Reuse this model folder's image networks and fine-tune its DenseNet on the cohort's reference QCT. */
  fineTuneFrom?: string | undefined;
  epochs: CtSpineNetworkTrainingOptions['epochs'] & { regression: number };
  batchSize: CtSpineNetworkTrainingOptions['batchSize'];
  cores: number;
  command: string;
  write: (line: string) => void;
}

export interface OutOfFoldPrediction {
  measurement: CtSpineCaseMeasurement;
  fold: number;
  byMethod: Record<CalibrationMethod, number | null>;
}

export interface TrainCtSpineResult {
  modelDir: string;
  stages: Record<CtSpineStage | 'regression' | 'recalibration', string>;
  measured: number;
  failed: { caseId: string; problem: string }[];
  recalibration: Record<CalibrationMethod, Recalibration | null>;
  /** predictions.csv (primary method per case: rods where found, else phantomless) and one file per method. */
  predictionsCsv: string | undefined;
  methodPredictionsCsv: Partial<Record<CalibrationMethod, string>>;
  stageValidation: CtSpineStageValidation | undefined;
}

async function loadSamples(cases: readonly CtSpineCase[], write: (line: string) => void): Promise<CtSpineTrainingSample[]> {
  const samples: CtSpineTrainingSample[] = [];
  const started = Date.now();
  for (const [i, c] of cases.entries()) {
    samples.push(await ctSpineTrainingSample(c));
    if ((i + 1) % 20 === 0 || i + 1 === cases.length) {
      const perCase = (Date.now() - started) / 1000 / (i + 1);
      write(`[ct-spine] training samples ${i + 1}/${cases.length}, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (cases.length - i - 1))} s`);
    }
  }
  return samples;
}

/** Measures every case with fixed networks; a case that fails is listed and the rest go on. */
async function measureAll(
  tf: TensorFlow,
  networks: CtSpineImageNetworks & { regression?: tfTypes.LayersModel },
  cases: readonly CtSpineCase[],
  write: (line: string) => void,
  failed: TrainCtSpineResult['failed'],
): Promise<CtSpineCaseMeasurement[]> {
  const catalog = loadMaterialCatalog();
  const out: CtSpineCaseMeasurement[] = [];
  const started = Date.now();
  for (const [i, c] of cases.entries()) {
    try {
      const m = await measureCtSpineCase(tf, networks, catalog, c);
      // The DenseNet's inputs (92 kB a level) are kept only while it still has to be trained on them.
      if (networks.regression !== undefined) releaseRegressionInputs(m);
      out.push(m);
    } catch (thrown) {
      const problem = describeThrown(thrown);
      failed.push({ caseId: c.caseId, problem });
      write(`[ct-spine] ${c.caseId}: ${problem}`);
    }
    if ((i + 1) % 10 === 0 || i + 1 === cases.length) {
      const perCase = (Date.now() - started) / 1000 / (i + 1);
      write(`[ct-spine] measured ${i + 1}/${cases.length} series, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (cases.length - i - 1))} s`);
    }
  }
  return out;
}

/** Each method's recalibration cross-validated by patient-grouped folds on measurements made with fixed networks. */
export function crossValidateRecalibration(
  measurements: readonly CtSpineCaseMeasurement[],
  folds: number,
  seed: number,
  foldMeasurements?: (fold: number) => readonly CtSpineCaseMeasurement[],
): OutOfFoldPrediction[] {
  const assignment = groupedKFold(
    measurements.map((m) => ({ group: m.patientId })),
    folds,
    seed,
  );
  const out: OutOfFoldPrediction[] = [];
  for (let k = 0; k < folds; k++) {
    // The same cases as read by this fold's own networks (a DenseNet fine-tuned without the fold), in the same order.
    const seen = foldMeasurements?.(k) ?? measurements;
    const train = seen.filter((_, i) => assignment[i] !== k);
    const fits = fitRecalibrations(train);
    seen.forEach((m, i) => {
      if (assignment[i] !== k) return;
      out.push({ measurement: m, fold: k, byMethod: recalibrateMethods(fits, calibratedVbmd(m), seriesForRecalibration(m)) });
    });
  }
  return out;
}

/**
 * `openbmd train ct-spine`: trains the localisation and segmentation networks when the cohort has
 * labels (masks/, landmarks/ beside the manifest), else reuses the default model's; measures every
 * series; fits each calibration method's recalibration to the cohort's reference QCT; with folds,
 * validates those fits out of fold (patient-grouped) and writes predictions.csv per method.
 */
export async function trainCtSpine(tf: TensorFlow, o: TrainCtSpineOptions): Promise<TrainCtSpineResult> {
  const cohort = readCtSpineCohort(o.cohortCsv);
  const withReference = cohort.cases.filter((c) => c.vbmdMgPerCm3 !== undefined);
  if (withReference.length < 5)
    throw new OpenBmdError('EMPTY_INPUT', `${withReference.length} case(s) have spine_vbmd; the recalibration needs at least 5`, { file: o.cohortCsv });
  const labelled = cohort.cases.filter((c) => c.cancellousMask !== undefined);
  if (o.fineTuneFrom !== undefined && o.networksFrom !== undefined && resolve(o.fineTuneFrom) !== resolve(o.networksFrom)) {
    throw new OpenBmdError(
      'BAD_ARGUMENT',
      `the networks to reuse (${o.networksFrom}) and the DenseNet to fine-tune (${o.fineTuneFrom}) name different models: the DenseNet is fine-tuned from the model whose networks are reused`,
    );
  }
  const networksFrom = o.networksFrom ?? o.fineTuneFrom;
  const trainNetworks = networksFrom === undefined && labelled.length >= MIN_LABELLED_FOR_NETWORKS;
  if (trainNetworks && o.fineTuneFrom !== undefined)
    throw new OpenBmdError(
      'BAD_ARGUMENT',
      `the cohort has ${labelled.length} labelled series, enough to train the networks; fine-tuning the DenseNet is for a cohort with reference QCT and no labels`,
      { file: o.cohortCsv },
    );
  const reuseDir = networksFrom ?? defaultCtSpineModelDir();
  mkdirSync(o.outDir, { recursive: true });
  const failed: TrainCtSpineResult['failed'] = [];
  let reused: CtSpineModel | undefined;
  let trained: TrainedCtSpineNetworks | undefined;
  let regression: TrainedVbmdRegression | undefined;
  let measurements: CtSpineCaseMeasurement[];
  const foldDensenet: CtSpineCaseMeasurement[][] = [];
  if (trainNetworks) {
    const partition = groupedPartition(
      labelled.map((c) => ({ group: c.patientId })),
      { train: 0.85, validation: 0.15, test: 0 },
      o.seed,
    );
    const samples = await loadSamples(labelled, o.write);
    trained = await trainCtSpineNetworks(
      tf,
      samples.filter((_, i) => partition[i] === 'train'),
      samples.filter((_, i) => partition[i] === 'validation'),
      { epochs: o.epochs, batchSize: o.batchSize, seed: o.seed, cores: o.cores, checkpointDir: join(o.outDir, 'checkpoints'), write: o.write },
    );
    // The DenseNet learns from the segmentation network's output, as in the paper: measure once
    // with the image networks, train it on the training partition's levels, then apply it to all.
    measurements = await measureAll(tf, trained.networks, withReference, o.write, failed);
    const role = new Map(labelled.map((c, i) => [c.caseId, partition[i]]));
    const regressionSamples = vbmdRegressionSamples(measurements.filter((m) => role.get(m.caseId) !== undefined));
    regression = await trainVbmdRegression(
      tf,
      regressionSamples.filter((s) => role.get(s.caseId) === 'train'),
      regressionSamples.filter((s) => role.get(s.caseId) === 'validation'),
      { epochs: o.epochs.regression, batchSize: REGRESSION_BATCH, seed: o.seed, cores: o.cores, checkpointDir: join(o.outDir, 'checkpoints'), write: o.write },
    );
    applyVbmdRegressionToMeasurements(tf, regression.model, measurements);
    measurements.forEach(releaseRegressionInputs);
  } else {
    reused = await loadCtSpineModel(tf, reuseDir);
    o.write(
      `[ct-spine] reusing the networks of ${reuseDir}${networksFrom === undefined ? ` (the cohort has ${labelled.length} labelled series; ${MIN_LABELLED_FOR_NETWORKS} are needed to train them)` : ''}`,
    );
    if (o.fineTuneFrom === undefined) {
      measurements = await measureAll(tf, reused.networks, withReference, o.write, failed);
    } else {
      // Without the DenseNet the inputs stay in the measurements for the fine-tuning below.
      const { regression: shipped, ...imageNetworks } = reused.networks;
      measurements = await measureAll(tf, imageNetworks, withReference, o.write, failed);
      const fineTune = { epochs: o.epochs.regression, batchSize: REGRESSION_BATCH, seed: o.seed, cores: o.cores, write: o.write };
      if (o.folds !== undefined) {
        // Out-of-fold figures need a DenseNet per fold that never saw the fold's patients.
        const assignment = groupedKFold(
          measurements.map((m) => ({ group: m.patientId })),
          o.folds,
          o.seed,
        );
        for (let k = 0; k < o.folds; k++) {
          o.write(`[ct-spine] fold ${k + 1}/${o.folds}: DenseNet fine-tuned without the fold's patients`);
          const foldNetwork = await fineTuneVbmdRegression(
            tf,
            shipped,
            measurements.filter((_, i) => assignment[i] !== k),
            { ...fineTune, checkpointDir: join(o.outDir, 'checkpoints', `densenet-fold-${k + 1}`) },
          );
          foldDensenet.push(measurementsWithDensenet(tf, foldNetwork.model, measurements));
          foldNetwork.model.dispose();
        }
      }
      regression = await fineTuneVbmdRegression(tf, shipped, measurements, { ...fineTune, checkpointDir: join(o.outDir, 'checkpoints', 'densenet') });
      applyVbmdRegressionToMeasurements(tf, regression.model, measurements);
      measurements.forEach(releaseRegressionInputs);
      foldDensenet.forEach((fold) => fold.forEach(releaseRegressionInputs));
    }
  }
  const networks: CtSpineNetworks =
    trained !== undefined && regression !== undefined
      ? { ...trained.networks, regression: regression.model }
      : regression !== undefined
        ? { ...reused!.networks, regression: regression.model }
        : reused!.networks;
  const recalibration = fitRecalibrations(measurements);
  const reusedOnSameCohort = reused !== undefined && resolve(networksOrigin(reused.description, reused.dir).cohort) === resolve(o.cohortCsv);
  if (trained !== undefined || reusedOnSameCohort)
    o.write('[ct-spine] the networks were trained on this cohort: localisation and Dice figures here are not a validation');
  const stageValidation = trained === undefined && !reusedOnSameCohort ? summariseCtSpineStages(measurements) : undefined;
  if (stageValidation !== undefined) for (const line of formatCtSpineStageValidation(stageValidation)) o.write(`[ct-spine] ${line}`);

  let predictionsCsv: string | undefined;
  const methodPredictionsCsv: TrainCtSpineResult['methodPredictionsCsv'] = {};
  const outOfFoldMetrics: Record<string, unknown> = {};
  if (o.folds !== undefined) {
    const outOfFold = crossValidateRecalibration(measurements, o.folds, o.seed, foldDensenet.length === o.folds ? (k) => foldDensenet[k]! : undefined);
    for (const method of CALIBRATION_METHODS) {
      const scored = outOfFold.filter((f) => f.byMethod[method] !== null && f.measurement.referenceVbmdMgPerCm3 !== undefined);
      if (scored.length < 3) continue;
      const predicted = scored.map((f) => f.byMethod[method]!);
      const truth = scored.map((f) => f.measurement.referenceVbmdMgPerCm3!);
      const r = pearsonCorrelation(predicted, truth).r;
      outOfFoldMetrics[method] = {
        folds: o.folds,
        cases: `patients of each fold held out from its recalibration fit${trained === undefined && !reusedOnSameCohort ? ` (networks from ${reuseDir}, trained on another cohort)` : ''}`,
        pcc: r,
        r2: r * r,
        ...errorSummary(predicted, truth),
      };
    }
    predictionsCsv = join(o.outDir, 'predictions.csv');
    writeCtSpinePredictions(
      predictionsCsv,
      outOfFold.map((f) => ({ caseId: f.measurement.caseId, outcome: caseOutcome(f.measurement), fold: f.fold + 1, byMethod: f.byMethod })),
      'primary',
    );
    for (const method of CALIBRATION_METHODS) {
      const file = join(o.outDir, `predictions-${method}.csv`);
      writeCtSpinePredictions(
        file,
        outOfFold.map((f) => ({ caseId: f.measurement.caseId, outcome: caseOutcome(f.measurement), fold: f.fold + 1, byMethod: f.byMethod })),
        method,
      );
      methodPredictionsCsv[method] = file;
    }
  }
  const networkStage = trained !== undefined ? `trained on ${labelled.length} labelled series` : `reused from ${reuseDir}`;
  const stages: TrainCtSpineResult['stages'] = {
    coronal: networkStage,
    sagittal: networkStage,
    segmentation: networkStage,
    regression:
      trained !== undefined
        ? `trained on the segmented L1 and L2 of the ${labelled.length} labelled series' training partition, against their reference QCT`
        : regression !== undefined
          ? `fine-tuned from ${reuseDir} on the L1 and L2 of the series with reference QCT${o.folds === undefined ? '' : ` (and once per fold without the fold's patients, for the out-of-fold figures)`}`
          : `reused from ${reuseDir}${withReference.length >= 30 ? ` (the cohort's ${withReference.length} reference QCT values could fine-tune it, starting from ${reuseDir})` : ''}`,
    recalibration: CALIBRATION_METHODS.map(
      (m) => `${m}: ${recalibration[m] === null ? 'not fitted (too few cases with it)' : `fitted on ${recalibration[m]!.n} cases`}`,
    ).join('; '),
  };
  await saveCtSpineModel(tf, o, {
    cohort,
    networks,
    trained,
    regression,
    reused,
    recalibration,
    scanners: [...new Set(measurements.map((c) => c.scanner))].sort(),
    stages,
    stageValidation,
    outOfFold: outOfFoldMetrics,
    failedCount: failed.length,
  });
  if (stageValidation !== undefined)
    writeFileSync(
      join(o.outDir, 'stage-validation.json'),
      `${JSON.stringify({ simulated: cohort.simulated, cohort: o.cohortCsv, ...stageValidation }, null, 2)}\n`,
    );
  if (reused !== undefined) {
    disposeCtSpineModel(reused);
    regression?.model.dispose();
  } else Object.values(networks).forEach((n) => n.dispose());
  return { modelDir: o.outDir, stages, measured: measurements.length, failed, recalibration, predictionsCsv, methodPredictionsCsv, stageValidation };
}

/** Everything a ct-spine model folder records: the networks and how they came about, the recalibrations, and the validation. */
interface CtSpineModelToSave {
  cohort: ReturnType<typeof readCtSpineCohort>;
  networks: CtSpineNetworks;
  trained: TrainedCtSpineNetworks | undefined;
  regression: TrainedVbmdRegression | undefined;
  reused: CtSpineModel | undefined;
  recalibration: Record<CalibrationMethod, Recalibration | null>;
  scanners: string[];
  stages: TrainCtSpineResult['stages'];
  stageValidation: CtSpineStageValidation | undefined;
  outOfFold: Record<string, unknown>;
  failedCount: number;
}

async function saveCtSpineModel(tf: TensorFlow, o: TrainCtSpineOptions, m: CtSpineModelToSave): Promise<void> {
  const { cohort, networks, trained, regression, reused, recalibration, scanners, stages, stageValidation, outOfFold, failedCount } = m;
  const reusedSpec = (stage: CtSpineStage | 'regression'): NetworkSpec =>
    recordedNetworkSpec(reused!.description, CT_SPINE_NETWORK_NAMES[stage], join(reused!.dir, MODEL_DESCRIPTION_FILE));
  const specOf = (stage: CtSpineStage): NetworkSpec => trained?.specs[stage] ?? reusedSpec(stage);
  const projection = {
    grid: '2 mm projection of the canonical volume (+x left, +y posterior, +z superior), superior row first',
    intensity: 'HU -200..1300 -> 0..1',
  };
  await saveModelFolder(
    tf,
    o.outDir,
    {
      name: 'ct-spine-vbmd',
      pipeline: CT_SPINE_PIPELINE,
      command: o.command,
      seed: o.seed,
      parameters: {
        recalibration,
        recalibrationScanners: scanners,
        stages,
        ...(reused === undefined ? {} : { networksFrom: networksOrigin(reused.description, reused.dir) }),
      },
      trainingData: trainingCohortRecord(cohort, failedCount),
      metrics: {
        ...(Object.keys(outOfFold).length === 0 ? {} : { outOfFold }),
        ...(stageValidation === undefined ? {} : { stageValidation }),
        ...(trained === undefined
          ? reused?.description.metrics['networkTraining'] === undefined
            ? {}
            : { networkTraining: reused.description.metrics['networkTraining'] }
          : { networkTraining: { ...trained.history, ...(regression === undefined ? {} : { regression: regression.history }) } }),
        ...(trained === undefined && regression !== undefined ? { densenetFineTuning: regression.history } : {}),
      },
    },
    {
      [CT_SPINE_NETWORK_NAMES.coronal]: {
        model: networks.coronal,
        spec: specOf('coronal'),
        preprocessing: {
          ...projection,
          view: 'coronal MIP (maximum over y)',
          window: `${CORONAL_WINDOW.columns} x ${CORONAL_WINDOW.rows} px centred across`,
          output: 'heat maps T12, L1, L2 body centres',
        },
      },
      [CT_SPINE_NETWORK_NAMES.sagittal]: {
        model: networks.sagittal,
        spec: specOf('sagittal'),
        preprocessing: {
          ...projection,
          view: 'sagittal slab MIP, +-14 mm about the located midline',
          window: `${SAGITTAL_WINDOW.columns} x ${SAGITTAL_WINDOW.rows} px`,
          output: 'heat map of every vertebral body centre',
        },
      },
      [CT_SPINE_NETWORK_NAMES.segmentation]: {
        model: networks.segmentation,
        spec: specOf('segmentation'),
        preprocessing: {
          grid: `[z, y, x] ${SEGMENTATION_CROP.size.join(' x ')} voxels of ${SEGMENTATION_CROP.spacingMm.join(' x ')} mm centred on the located body, trilinear`,
          intensity: SEGMENTATION_WINDOWS_HU.map((w) => `HU ${w.low}..${w.high} -> 0..1`).join('; '),
          output: 'cancellous-bone probability of the centred level',
        },
      },
      [CT_SPINE_NETWORK_NAMES.regression]: {
        model: networks.regression,
        spec: regression?.spec ?? reusedSpec('regression'),
        preprocessing: {
          grid: `[z, y, x] ${REGRESSION_CROP.size.join(' x ')} voxels of ${REGRESSION_CROP.spacingMm.join(' x ')} mm: the segmentation crop pooled 2x2 in-plane`,
          intensity: `channel 0: cancellous probability inside the segmentation eroded by one voxel; channel 1: that probability x mineral under the phantomless calibration / ${REGRESSION_MINERAL_SCALE_MG} mg/cm3, divided by the crop's mean probability`,
          output: `vBMD of the level / ${REGRESSION_OUTPUT_SCALE_MG} mg/cm3, before the densenet recalibration`,
        },
      },
    },
  );
}
