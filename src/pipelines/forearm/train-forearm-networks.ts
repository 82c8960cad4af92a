import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { NetworkSpec } from '../../nn/architectures/network-spec.js';
import type { TrainingLossName } from '../../nn/losses/training-loss.js';
import type { TrainingData } from '../../nn/training/training-data.js';
import type { StageHistory } from '../../nn/training/train-stage-network.js';
import { trainStageNetwork } from '../../nn/training/train-stage-network.js';
import { copyModelWeights } from '../../nn/training/model-weights.js';
import type { ForearmNetworks } from './forearm-model.js';
import { coarseLandmarkSpec, fineLandmarkSpec, segmentationSpec } from './forearm-networks.js';
import { coarseLandmarkTrainingData, fineLandmarkTrainingData, segmentationTrainingData } from './forearm-training-data.js';
import type { ForearmTrainingSample } from './forearm-training-samples.js';

export interface ForearmNetworkTrainingOptions {
  /** Epochs per network (early stopping on the validation cases may end a network sooner). */
  epochs: { segmentation: number; coarseLandmarks: number; fineLandmarks: number };
  batchSize: number;
  seed: number;
  /** Cores for data-parallel training (worker threads). */
  cores: number;
  /** Folder for resumable per-network checkpoints. */
  checkpointDir?: string;
  /** Start from these networks' weights (fine-tuning) instead of fresh ones; they must have the same architecture. */
  initial?: ForearmNetworks;
  /** Train the coarse key-point network on background-removed images (seed 000; default) or on the radiograph as it is. */
  backgroundRemoval?: boolean;
  write?: (line: string) => void;
}

export interface TrainedForearmNetworks {
  networks: ForearmNetworks;
  specs: { segmentation: NetworkSpec; coarseLandmarks: NetworkSpec; fineLandmarks: NetworkSpec };
  history: Record<'segmentation' | 'coarseLandmarks' | 'fineLandmarks', StageHistory>;
}

type Stage = 'segmentation' | 'coarseLandmarks' | 'fineLandmarks';

/**
 * Trains the three networks of seed 000 on labelled radiographs: background removal (attention
 * U-Net, Dice + cross-entropy on class shares), then the coarse and the fine SCN (heat-map loss),
 * AdamW with one cosine period, early stopping on the validation samples.
 */
export async function trainForearmNetworks(
  tf: TensorFlow,
  train: readonly ForearmTrainingSample[],
  validation: readonly ForearmTrainingSample[],
  o: ForearmNetworkTrainingOptions,
): Promise<TrainedForearmNetworks> {
  const specs = { segmentation: segmentationSpec(o.seed), coarseLandmarks: coarseLandmarkSpec(o.seed + 100), fineLandmarks: fineLandmarkSpec(o.seed + 200) };
  const data: Record<Stage, (s: readonly ForearmTrainingSample[]) => TrainingData> = {
    segmentation: segmentationTrainingData,
    coarseLandmarks: (samples) => coarseLandmarkTrainingData(samples, o.backgroundRemoval ?? true),
    fineLandmarks: fineLandmarkTrainingData,
  };
  const losses: Record<Stage, TrainingLossName> = { segmentation: 'dice+cross-entropy', coarseLandmarks: 'heatmap', fineLandmarks: 'heatmap' };
  const networks: Partial<ForearmNetworks> = {};
  const history: Partial<TrainedForearmNetworks['history']> = {};
  for (const stage of ['segmentation', 'coarseLandmarks', 'fineLandmarks'] as const) {
    const trained = await trainStageNetwork(tf, {
      pipeline: 'forearm',
      stage,
      spec: specs[stage],
      loss: losses[stage],
      train: data[stage](train),
      validation: validation.length > 0 ? data[stage](validation) : undefined,
      epochs: o.epochs[stage],
      batchSize: o.batchSize,
      seed: o.seed,
      // Fine-tuning starts from trained weights: a smaller step keeps what they learned.
      maxLearningRate: o.initial === undefined ? 2e-3 : 5e-4,
      cores: o.cores,
      ...(o.checkpointDir === undefined ? {} : { checkpointDir: o.checkpointDir }),
      ...(o.initial === undefined ? {} : { initialise: (model: tfTypes.LayersModel) => copyModelWeights(tf, o.initial![stage], model, stage) }),
      ...(o.write === undefined ? {} : { write: o.write }),
    });
    networks[stage] = trained.model;
    history[stage] = trained.history;
  }
  return { networks: networks as ForearmNetworks, specs, history: history as TrainedForearmNetworks['history'] };
}

/** Copies a trained network's weights into a fresh one of the same architecture (fine-tuning starts there). */
