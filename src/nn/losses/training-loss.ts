import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import { maskedL1AndSoftmaxLoss } from './multitask-losses.js';
import { l1Loss, mseLoss, weightedL1Loss } from './regression-losses.js';
import { crossEntropyLoss, diceLoss, heatmapLoss } from './segmentation-losses.js';

/** The losses a supervised network trains with, by name (a name travels to worker processes and into model folders). */
export const TRAINING_LOSSES = ['l1', 'weighted-l1', 'mse', 'cross-entropy', 'dice', 'dice+cross-entropy', 'heatmap', 'abmd-2+classes-3'] as const;
export type TrainingLossName = (typeof TRAINING_LOSSES)[number];

/** The scalar loss of one batch; `sampleWeights` is needed by weighted L1 only. */
export function trainingLoss(
  tf: TensorFlow,
  name: TrainingLossName,
  truth: tfTypes.Tensor,
  predicted: tfTypes.Tensor,
  sampleWeights: tfTypes.Tensor | undefined,
): tfTypes.Scalar {
  switch (name) {
    case 'l1':
      return l1Loss(tf, truth, predicted);
    case 'weighted-l1':
      if (sampleWeights === undefined) throw new OpenBmdError('BAD_ARGUMENT', 'weighted L1 needs sample weights in every batch');
      return weightedL1Loss(tf, truth, predicted, sampleWeights);
    case 'mse':
      return mseLoss(tf, truth, predicted);
    case 'cross-entropy':
      return crossEntropyLoss(tf, truth, predicted);
    case 'dice':
      return diceLoss(tf, truth, predicted);
    case 'dice+cross-entropy':
      return tf.add(diceLoss(tf, truth, predicted), crossEntropyLoss(tf, truth, predicted));
    case 'heatmap':
      return heatmapLoss(tf, truth, predicted);
    case 'abmd-2+classes-3':
      // Two aBMDs and three WHO classes (the lumbar pipeline's heads); the classes weigh half.
      return maskedL1AndSoftmaxLoss(tf, truth, predicted, { regressions: 2, classes: 3, classWeight: 0.5 });
    default:
      throw new OpenBmdError('BAD_ARGUMENT', `unknown loss '${String(name)}'`);
  }
}
