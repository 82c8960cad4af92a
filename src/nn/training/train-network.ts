import { createHash } from 'node:crypto';
import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import { SeededRandom } from '../../core/seeded-random.js';
import type { NetworkSpec } from '../architectures/network-spec.js';
import type { TrainingLossName } from '../losses/training-loss.js';
import { DataParallelGradients } from '../parallel/data-parallel-gradients.js';
import { AdamW } from './adamw.js';
import { batchGradients, batchLoss, trainableVariables } from './batch-gradients.js';
import { preciseBatchNormStatistics } from './batch-norm-statistics.js';
import type { GradientSource } from './gradient-source.js';
import type { CosineWarmRestarts } from './learning-rate-schedule.js';
import { cosineWarmRestartsRate } from './learning-rate-schedule.js';
import type { CheckpointState, EpochRecord } from './training-checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from './training-checkpoint.js';
import type { TrainingData } from './training-data.js';
import { TrainingProgress } from './training-progress.js';
import { readModelWeights, writeModelWeights } from './model-weights.js';

type Tf = TensorFlow;

export interface TrainNetworkOptions {
  /** Names the run in progress lines. */
  label: string;
  loss: TrainingLossName;
  epochs: number;
  batchSize: number;
  seed: number;
  schedule: CosineWarmRestarts;
  weightDecay?: number;
  validation?: TrainingData;
  /** Stop when the validation loss has not improved by `minDelta` for `patience` epochs; the best weights are restored. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Folder for a checkpoint after every epoch; a run with the same settings resumes from it. */
  checkpointDir?: string;
  /** Data-parallel training on this many cores (worker threads hold replicas built from `spec`, the network's spec). */
  parallel?: { spec: NetworkSpec; cores: number };
  /** Progress lines (default: stderr). */
  write?: (line: string) => void;
  /** Called after each epoch's checkpoint. */
  onEpochEnd?: (record: EpochRecord) => void;
  /**
   * After every epoch, before validation: batch-normalisation statistics re-estimated over this
   * many unaugmented training samples (preciseBatchNormStatistics), so the validation loss, the
   * epoch kept and the saved network see the statistics of the weights they have.
   */
  preciseBatchNorm?: { samples: number; batchSize: number };
}

export interface TrainNetworkResult {
  history: EpochRecord[];
  bestEpoch: number | null;
  bestLoss: number | null;
  stoppedEarly: boolean;
  /** Epochs already done when this call started (from a checkpoint), 0 for a fresh run. */
  resumedAfterEpoch: number;
  samplesPerSecond: number;
}

/** Seeds derived per epoch and batch, so a resumed run draws exactly what the uninterrupted one would. */
const epochSeed = (seed: number, epoch: number): number => (Math.imul(seed + 1, 1_000_003) + Math.imul(epoch, 7919)) >>> 0;
const batchSeed = (seed: number, epoch: number, batch: number): number => (epochSeed(seed, epoch) ^ Math.imul(batch + 1, 0x9e3779b1)) >>> 0;

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/** Mean loss over a data set in inference mode, weighted by batch size. */
export function datasetLoss(tf: Tf, model: tfTypes.LayersModel, loss: TrainingLossName, data: TrainingData, batchSize: number): number {
  let total = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    total += batchLoss(tf, model, loss, data.batch(indices, undefined)) * indices.length;
  }
  return total / Math.max(1, data.count);
}

/**
 * Trains a network: shuffled batches (seeded per epoch) with on-the-fly augmentation by the data
 * source, AdamW with a cosine-warm-restarts rate set every step, validation loss per epoch, early
 * stopping with the best weights restored, progress with ETA on stderr, and a checkpoint after every
 * epoch from which an interrupted run resumes to the same result.
 */
export async function trainNetwork(tf: Tf, model: tfTypes.LayersModel, data: TrainingData, o: TrainNetworkOptions): Promise<TrainNetworkResult> {
  if (data.count === 0) throw new OpenBmdError('EMPTY_INPUT', `${o.label}: no training samples`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new OpenBmdError('BAD_ARGUMENT', `${o.label}: batch size must be a positive integer`);
  const variables = trainableVariables(model);
  const parallel =
    o.parallel !== undefined && o.parallel.cores > 1 ? await DataParallelGradients.start(tf, model, o.parallel.spec, o.loss, o.parallel.cores) : undefined;
  const source: GradientSource = parallel ?? { compute: (batch) => Promise.resolve(batchGradients(tf, model, variables, o.loss, batch)) };
  try {
    return await runEpochs(tf, model, data, o, variables, source);
  } finally {
    await parallel?.dispose();
  }
}

async function runEpochs(
  tf: Tf,
  model: tfTypes.LayersModel,
  data: TrainingData,
  o: TrainNetworkOptions,
  variables: tfTypes.Variable[],
  source: GradientSource,
): Promise<TrainNetworkResult> {
  const optimizer = new AdamW(tf, variables, { weightDecay: o.weightDecay ?? 1e-2 });
  const weightShapes = model.weights.map((w) => w.read().shape);
  const runKey = createHash('sha256')
    .update(
      JSON.stringify({
        label: o.label,
        loss: o.loss,
        batchSize: o.batchSize,
        cores: o.parallel?.cores ?? 1,
        seed: o.seed,
        schedule: o.schedule,
        weightDecay: o.weightDecay ?? 1e-2,
        count: data.count,
        validation: o.validation?.count ?? 0,
        weightShapes,
        ...(o.preciseBatchNorm === undefined ? {} : { preciseBatchNorm: o.preciseBatchNorm }),
      }),
    )
    .digest('hex')
    .slice(0, 16);
  let state: CheckpointState = { runKey, epochsDone: 0, history: [], bestEpoch: null, bestLoss: null, epochsWithoutImprovement: 0, optimizerStep: 0 };
  let best: Float32Array[] | null = null;
  const write = o.write ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  if (o.checkpointDir !== undefined) {
    const loaded = loadCheckpoint(
      o.checkpointDir,
      runKey,
      weightShapes.map((shape) => shape.reduce((a, b) => a * b, 1)),
    );
    if (loaded !== undefined) {
      state = loaded.state;
      best = loaded.arrays.best;
      writeModelWeights(tf, model, loaded.arrays.weights);
      optimizer.setState({ step: state.optimizerStep, firstMoments: loaded.arrays.firstMoments, secondMoments: loaded.arrays.secondMoments });
      write(`[${o.label}] resuming after epoch ${state.epochsDone} from ${o.checkpointDir}`);
    }
  }
  const resumedAfterEpoch = state.epochsDone;
  const batches = data.count >= o.batchSize ? Math.floor(data.count / o.batchSize) : 1;
  const perBatch = Math.min(o.batchSize, data.count);
  const progress = new TrainingProgress(o.label, Math.max(0, o.epochs - state.epochsDone) * batches * perBatch, write);
  let stoppedEarly = false;
  const patience = o.earlyStopping?.patience;
  if (patience !== undefined && state.epochsWithoutImprovement >= patience) stoppedEarly = true;
  for (let epoch = state.epochsDone + 1; epoch <= o.epochs && !stoppedEarly; epoch++) {
    const started = Date.now();
    const order = new SeededRandom(epochSeed(o.seed, epoch)).shuffled(Array.from({ length: data.count }, (_, i) => i));
    const losses: number[] = [];
    let learningRate = 0;
    for (let b = 0; b < batches; b++) {
      const indices = order.slice(b * perBatch, (b + 1) * perBatch);
      const batch = data.batch(indices, new SeededRandom(batchSeed(o.seed, epoch, b)));
      const { loss, gradients } = await source.compute(batch);
      if (!Number.isFinite(loss))
        throw new OpenBmdError('INTERNAL', `${o.label}: the loss became ${loss} at epoch ${epoch}, batch ${b + 1}; lower the learning rate`);
      learningRate = cosineWarmRestartsRate(o.schedule, epoch - 1 + b / batches);
      optimizer.apply(gradients, learningRate);
      tf.dispose(gradients);
      source.afterUpdate?.();
      losses.push(loss);
      progress.batch(epoch, o.epochs, b + 1, batches, indices.length, loss);
    }
    const trainLoss = mean(losses);
    if (o.preciseBatchNorm !== undefined) preciseBatchNormStatistics(tf, model, data, { ...o.preciseBatchNorm, seed: epochSeed(o.seed, epoch) });
    const validationLoss = o.validation === undefined ? null : datasetLoss(tf, model, o.loss, o.validation, o.batchSize);
    const monitored = validationLoss ?? trainLoss;
    const improved = state.bestLoss === null || monitored < state.bestLoss - (o.earlyStopping?.minDelta ?? 0);
    if (improved) {
      state.bestLoss = monitored;
      state.bestEpoch = epoch;
      state.epochsWithoutImprovement = 0;
      if (o.validation !== undefined) best = readModelWeights(model);
    } else {
      state.epochsWithoutImprovement += 1;
    }
    const record: EpochRecord = { epoch, trainLoss, validationLoss, learningRate, seconds: (Date.now() - started) / 1000 };
    state.history.push(record);
    state.epochsDone = epoch;
    state.optimizerStep = optimizer.step;
    if (patience !== undefined && state.epochsWithoutImprovement >= patience) stoppedEarly = true;
    progress.epoch(
      epoch,
      o.epochs,
      trainLoss,
      validationLoss ?? undefined,
      learningRate,
      improved ? '(best)' : stoppedEarly ? `(no improvement for ${patience} epochs: stopping)` : '',
    );
    if (o.checkpointDir !== undefined) {
      const moments = optimizer.getState();
      saveCheckpoint(o.checkpointDir, state, {
        weights: readModelWeights(model),
        firstMoments: moments.firstMoments,
        secondMoments: moments.secondMoments,
        best,
      });
    }
    o.onEpochEnd?.(record);
  }
  if (best !== null) writeModelWeights(tf, model, best);
  optimizer.dispose();
  return {
    history: state.history,
    bestEpoch: state.bestEpoch,
    bestLoss: state.bestLoss,
    stoppedEarly,
    resumedAfterEpoch,
    samplesPerSecond: progress.samplesPerSecond(),
  };
}
