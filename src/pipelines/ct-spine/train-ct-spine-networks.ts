import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import type { NetworkSpec } from '../../nn/architectures/network-spec.js';
import { buildNetwork } from '../../nn/architectures/network-spec.js';
import type { TrainingLossName } from '../../nn/losses/training-loss.js';
import type { EpochRecord } from '../../nn/training/training-checkpoint.js';
import type { TrainingData } from '../../nn/training/training-data.js';
import { trainNetwork } from '../../nn/training/train-network.js';
import { coronalLocateSpec, sagittalLocateSpec, segmentationSpec } from './ct-spine-networks.js';
import { coronalTrainingData, sagittalTrainingData, segmentationTrainingData } from './ct-spine-training-data.js';
import type { CtSpineTrainingSample } from './ct-spine-training-samples.js';

export type CtSpineStage = 'coronal' | 'sagittal' | 'segmentation';
export const CT_SPINE_STAGES: readonly CtSpineStage[] = ['coronal', 'sagittal', 'segmentation'];
export type CtSpineNetworks = Record<CtSpineStage, tfTypes.LayersModel>;

export interface CtSpineNetworkTrainingOptions {
  epochs: Record<CtSpineStage, number>;
  batchSize: Record<CtSpineStage, number>;
  seed: number;
  cores: number;
  checkpointDir?: string;
  write?: (line: string) => void;
}

export interface TrainedCtSpineNetworks {
  networks: CtSpineNetworks;
  specs: Record<CtSpineStage, NetworkSpec>;
  history: Record<CtSpineStage, { epochs: EpochRecord[]; bestEpoch: number | null; bestValidationLoss: number | null; samplesPerSecond: number }>;
}

/**
 * Trains the three networks of seed 002 on labelled series: the coronal and the sagittal
 * localisation SCNs (heat-map loss), then the SE residual 3-D U-Net on the cancellous crops (Dice +
 * cross-entropy); AdamW with one cosine period, early stopping on the validation cases.
 */
export async function trainCtSpineNetworks(tf: typeof tfTypes, train: readonly CtSpineTrainingSample[], validation: readonly CtSpineTrainingSample[], o: CtSpineNetworkTrainingOptions): Promise<TrainedCtSpineNetworks> {
  const specs: Record<CtSpineStage, NetworkSpec> = { coronal: coronalLocateSpec(o.seed), sagittal: sagittalLocateSpec(o.seed + 100), segmentation: segmentationSpec(o.seed + 200) };
  const data: Record<CtSpineStage, (s: readonly CtSpineTrainingSample[]) => TrainingData> = { coronal: coronalTrainingData, sagittal: sagittalTrainingData, segmentation: segmentationTrainingData };
  const losses: Record<CtSpineStage, TrainingLossName> = { coronal: 'heatmap', sagittal: 'heatmap', segmentation: 'dice+cross-entropy' };
  const networks: Partial<CtSpineNetworks> = {};
  const history: Partial<TrainedCtSpineNetworks['history']> = {};
  for (const stage of CT_SPINE_STAGES) {
    const model = buildNetwork(tf, specs[stage]);
    const epochs = o.epochs[stage];
    const result = await trainNetwork(tf, model, data[stage](train), {
      label: `ct-spine ${stage}`,
      loss: losses[stage],
      epochs,
      batchSize: o.batchSize[stage],
      seed: o.seed,
      schedule: { maxLearningRate: 2e-3, minLearningRate: 1e-5, firstPeriodEpochs: epochs, warmupEpochs: Math.min(1, epochs / 4) },
      ...(validation.length > 0 ? { validation: data[stage](validation), earlyStopping: { patience: 4 } } : {}),
      ...(o.checkpointDir === undefined ? {} : { checkpointDir: join(o.checkpointDir, stage) }),
      ...(o.cores > 1 ? { parallel: { spec: specs[stage], cores: o.cores } } : {}),
      ...(o.write === undefined ? {} : { write: o.write }),
    });
    networks[stage] = model;
    history[stage] = { epochs: result.history, bestEpoch: result.bestEpoch, bestValidationLoss: validation.length > 0 ? result.bestLoss : null, samplesPerSecond: result.samplesPerSecond };
  }
  return { networks: networks as CtSpineNetworks, specs, history: history as TrainedCtSpineNetworks['history'] };
}
