import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { NetworkSpec } from '../../nn/architectures/network-spec.js';
import type { StageHistory } from '../../nn/training/train-stage-network.js';
import { trainStageNetwork } from '../../nn/training/train-stage-network.js';
import { copyModelWeights } from '../../nn/training/model-weights.js';
import { regressionSpec } from './ct-spine-networks.js';
import { REGRESSION_CHANNELS, REGRESSION_CROP, REGRESSION_MINERAL_SCALE_MG, REGRESSION_OUTPUT_SCALE_MG } from './vbmd-regression-input.js';
import type { VbmdRegressionSample } from './vbmd-regression-training-data.js';
import { vbmdRegressionTrainingData } from './vbmd-regression-training-data.js';

export interface VbmdRegressionTrainingOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  cores: number;
  /** Peak learning rate (default REGRESSION_LEARNING_RATE). */
  maxLearningRate?: number;
  checkpointDir?: string;
  write?: (line: string) => void;
  /** Start from this network's weights (fine-tuning on a hospital's QCT) instead of fresh ones. */
  initial?: tfTypes.LayersModel;
}

/** The segmentation networks' 2e-3 made this regression's validation loss swing by half between epochs. */
export const REGRESSION_LEARNING_RATE = 5e-4;
/** Fine-tuning starts from a trained network: a fifth of the learning rate keeps it near what it learnt. */
export const FINE_TUNE_LEARNING_RATE = 1e-4;

export interface TrainedVbmdRegression {
  model: tfTypes.LayersModel;
  spec: NetworkSpec;
  history: StageHistory;
}

/** Trains the 3-D DenseNet-BC vBMD regression (L1 loss on the reference QCT; AdamW, cosine, early stopping on the validation levels). */
export async function trainVbmdRegression(
  tf: TensorFlow,
  train: readonly VbmdRegressionSample[],
  validation: readonly VbmdRegressionSample[],
  o: VbmdRegressionTrainingOptions,
): Promise<TrainedVbmdRegression> {
  const spec = regressionSpec(o.seed + 300, [...REGRESSION_CROP.size, REGRESSION_CHANNELS], {
    mineralMg: REGRESSION_MINERAL_SCALE_MG,
    outputMg: REGRESSION_OUTPUT_SCALE_MG,
  });
  const trained = await trainStageNetwork(tf, {
    pipeline: 'ct-spine',
    stage: 'regression',
    spec,
    loss: 'l1',
    train: vbmdRegressionTrainingData(train),
    validation: validation.length > 0 ? vbmdRegressionTrainingData(validation) : undefined,
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    maxLearningRate: o.maxLearningRate ?? REGRESSION_LEARNING_RATE,
    cores: o.cores,
    ...(o.checkpointDir === undefined ? {} : { checkpointDir: o.checkpointDir }),
    ...(o.write === undefined ? {} : { write: o.write }),
    ...(o.initial === undefined ? {} : { initialise: (model: tfTypes.LayersModel) => copyModelWeights(tf, o.initial!, model, 'DenseNet regression') }),
  });
  return { model: trained.model, spec, history: trained.history };
}
