import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import { groupedPartition } from '../../stats/grouped-splits.js';
import type { CtSpineCaseMeasurement } from './measure-ct-spine-case.js';
import type { TrainedVbmdRegression } from './train-vbmd-regression.js';
import { FINE_TUNE_LEARNING_RATE, trainVbmdRegression } from './train-vbmd-regression.js';
import { applyVbmdRegressionToMeasurements } from './vbmd-regression-on-measurements.js';
import { vbmdRegressionSamples } from './vbmd-regression-training-data.js';

/** Epochs of a DenseNet fine-tuning when the train options do not say (early stopping may end sooner). */
export const FINE_TUNE_EPOCHS = 12;
/** Fewest series with reference QCT and a measurable L1 or L2 to fine-tune on. */
export const MIN_SERIES_FOR_FINE_TUNE = 4;

export interface FineTuneOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  cores: number;
  checkpointDir: string;
  write: (line: string) => void;
}

/**
 * Fine-tunes the DenseNet on a cohort's reference QCT: a hospital's cohort has no masks, but the
 * DenseNet's inputs come from the reused segmentation and its target is the QCT value the cohort
 * does have. Patients are split 85/15 for early stopping; the learning rate is a fifth of training's.
 */
export async function fineTuneVbmdRegression(
  tf: TensorFlow,
  initial: tfTypes.LayersModel,
  measurements: readonly CtSpineCaseMeasurement[],
  o: FineTuneOptions,
): Promise<TrainedVbmdRegression> {
  const samples = vbmdRegressionSamples(measurements);
  const series = new Set(samples.map((s) => s.caseId)).size;
  if (series < MIN_SERIES_FOR_FINE_TUNE)
    throw new OpenBmdError(
      'EMPTY_INPUT',
      `fine-tuning the DenseNet needs at least ${MIN_SERIES_FOR_FINE_TUNE} series with spine_vbmd and a measurable L1 or L2; ${series} have them`,
    );
  const partition = groupedPartition(
    samples.map((s) => ({ group: s.patientId })),
    { train: 0.85, validation: 0.15, test: 0 },
    o.seed,
  );
  const train = samples.filter((_, i) => partition[i] === 'train');
  const validation = samples.filter((_, i) => partition[i] === 'validation');
  o.write(`[ct-spine] fine-tuning the DenseNet on ${train.length} levels (${validation.length} for early stopping) of ${series} series`);
  return trainVbmdRegression(tf, train, validation, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    cores: o.cores,
    maxLearningRate: FINE_TUNE_LEARNING_RATE,
    checkpointDir: o.checkpointDir,
    write: o.write,
    initial,
  });
}

/** Copies of the measurements whose DenseNet vBMD (each level's and the case's) is this network's; the inputs are shared, not copied. */
export function measurementsWithDensenet(
  tf: TensorFlow,
  network: tfTypes.LayersModel,
  measurements: readonly CtSpineCaseMeasurement[],
): CtSpineCaseMeasurement[] {
  const copies = measurements.map((m) => ({ ...m, levels: m.levels.map((l) => ({ ...l })) }));
  applyVbmdRegressionToMeasurements(tf, network, copies);
  return copies;
}
