import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { NetworkSpec } from '../../nn/architectures/network-spec.js';
import type { TrainingLossName } from '../../nn/losses/training-loss.js';
import type { TrainingData } from '../../nn/training/training-data.js';
import type { StageHistory } from '../../nn/training/train-stage-network.js';
import { trainStageNetwork } from '../../nn/training/train-stage-network.js';
import { coronalLocateSpec, sagittalLocateSpec, segmentationSpec } from './ct-spine-networks.js';
import { coronalTrainingData, sagittalTrainingData, segmentationTrainingData } from './ct-spine-training-data.js';
import type { CtSpineTrainingSample } from './ct-spine-training-samples.js';

export type CtSpineStage = 'coronal' | 'sagittal' | 'segmentation';
export const CT_SPINE_STAGES: readonly CtSpineStage[] = ['coronal', 'sagittal', 'segmentation'];
/** The image networks (localisation, segmentation), trained on labelled series. */
export type CtSpineImageNetworks = Record<CtSpineStage, tfTypes.LayersModel>;
/** All networks of a ct-spine model: the image networks and the DenseNet vBMD regression, which trains on the segmentation's output. */
export type CtSpineNetworks = CtSpineImageNetworks & { regression: tfTypes.LayersModel };

export interface CtSpineNetworkTrainingOptions {
  epochs: Record<CtSpineStage, number>;
  batchSize: Record<CtSpineStage, number>;
  seed: number;
  cores: number;
  checkpointDir?: string;
  write?: (line: string) => void;
}

export interface TrainedCtSpineNetworks {
  networks: CtSpineImageNetworks;
  specs: Record<CtSpineStage, NetworkSpec>;
  history: Record<CtSpineStage, StageHistory>;
}

/**
 * Trains the three networks of seed 002 on labelled series: the coronal and the sagittal
 * localisation SCNs (heat-map loss), then the SE residual 3-D U-Net on the cancellous crops (Dice +
 * cross-entropy); AdamW with one cosine period, early stopping on the validation cases.
 */
export async function trainCtSpineNetworks(
  tf: TensorFlow,
  train: readonly CtSpineTrainingSample[],
  validation: readonly CtSpineTrainingSample[],
  o: CtSpineNetworkTrainingOptions,
): Promise<TrainedCtSpineNetworks> {
  const specs: Record<CtSpineStage, NetworkSpec> = {
    coronal: coronalLocateSpec(o.seed),
    sagittal: sagittalLocateSpec(o.seed + 100),
    segmentation: segmentationSpec(o.seed + 200),
  };
  const data: Record<CtSpineStage, (s: readonly CtSpineTrainingSample[]) => TrainingData> = {
    coronal: coronalTrainingData,
    sagittal: sagittalTrainingData,
    segmentation: segmentationTrainingData,
  };
  const losses: Record<CtSpineStage, TrainingLossName> = { coronal: 'heatmap', sagittal: 'heatmap', segmentation: 'dice+cross-entropy' };
  const networks: Partial<CtSpineImageNetworks> = {};
  const history: Partial<TrainedCtSpineNetworks['history']> = {};
  for (const stage of CT_SPINE_STAGES) {
    const trained = await trainStageNetwork(tf, {
      pipeline: 'ct-spine',
      stage,
      spec: specs[stage],
      loss: losses[stage],
      train: data[stage](train),
      validation: validation.length > 0 ? data[stage](validation) : undefined,
      epochs: o.epochs[stage],
      batchSize: o.batchSize[stage],
      seed: o.seed,
      maxLearningRate: 2e-3,
      cores: o.cores,
      ...(o.checkpointDir === undefined ? {} : { checkpointDir: o.checkpointDir }),
      ...(o.write === undefined ? {} : { write: o.write }),
    });
    networks[stage] = trained.model;
    history[stage] = trained.history;
  }
  return { networks: networks as CtSpineImageNetworks, specs, history: history as TrainedCtSpineNetworks['history'] };
}
