import { join } from 'node:path';
import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import type { NetworkSpec } from '../architectures/network-spec.js';
import { buildNetwork } from '../architectures/network-spec.js';
import type { TrainingLossName } from '../losses/training-loss.js';
import type { EpochRecord } from './training-checkpoint.js';
import type { TrainingData } from './training-data.js';
import { trainNetwork } from './train-network.js';

/** What a pipeline keeps of one trained stage network's run. */
export interface StageHistory {
  epochs: EpochRecord[];
  bestEpoch: number | null;
  bestValidationLoss: number | null;
  samplesPerSecond: number;
}

export interface StageTrainingOptions {
  /** Names the run in progress lines and its checkpoint subfolder. */
  pipeline: string;
  stage: string;
  spec: NetworkSpec;
  loss: TrainingLossName;
  train: TrainingData;
  /** Absent: no early stopping. */
  validation: TrainingData | undefined;
  epochs: number;
  batchSize: number;
  seed: number;
  maxLearningRate: number;
  cores: number;
  checkpointDir?: string;
  /** Called on the fresh network before training (e.g. to copy weights for fine-tuning). */
  initialise?: (model: tfTypes.LayersModel) => void;
  write?: (line: string) => void;
  /** Batch-normalisation statistics re-estimated after every epoch (TrainNetworkOptions.preciseBatchNorm). */
  preciseBatchNorm?: { samples: number; batchSize: number };
}

/**
 * One network of a pipeline's staged training: built from its spec, trained with AdamW over one
 * cosine period (a short warm-up), early stopping on the validation data (patience 4),
 * data-parallel on `cores`, checkpointed per stage.
 */
export async function trainStageNetwork(tf: TensorFlow, o: StageTrainingOptions): Promise<{ model: tfTypes.LayersModel; history: StageHistory }> {
  const model = buildNetwork(tf, o.spec);
  o.initialise?.(model);
  const result = await trainNetwork(tf, model, o.train, {
    label: `${o.pipeline} ${o.stage}`,
    loss: o.loss,
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    schedule: { maxLearningRate: o.maxLearningRate, minLearningRate: 1e-5, firstPeriodEpochs: o.epochs, warmupEpochs: Math.min(1, o.epochs / 4) },
    ...(o.validation !== undefined ? { validation: o.validation, earlyStopping: { patience: 4 } } : {}),
    ...(o.checkpointDir === undefined ? {} : { checkpointDir: join(o.checkpointDir, o.stage) }),
    ...(o.cores > 1 ? { parallel: { spec: o.spec, cores: o.cores } } : {}),
    ...(o.write === undefined ? {} : { write: o.write }),
    ...(o.preciseBatchNorm === undefined ? {} : { preciseBatchNorm: o.preciseBatchNorm }),
  });
  return {
    model,
    history: {
      epochs: result.history,
      bestEpoch: result.bestEpoch,
      bestValidationLoss: o.validation !== undefined ? result.bestLoss : null,
      samplesPerSecond: result.samplesPerSecond,
    },
  };
}
