import { createHash } from 'node:crypto';
import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import { SeededRandom } from '../../core/seeded-random.js';
import type { MultiScalePatchGanOptions } from '../architectures/patchgan-discriminator.js';
import { groupPatchGanOutputs } from '../architectures/patchgan-discriminator.js';
import { discriminatorLoss, featureMatchingLoss, generatorAdversarialLoss } from '../losses/adversarial-losses.js';
import { gradientCorrelationLoss } from '../losses/gradient-correlation-loss.js';
import { l1Loss } from '../losses/regression-losses.js';
import { AdamW } from './adamw.js';
import { trainableVariables } from './batch-gradients.js';
import type { CosineWarmRestarts } from './learning-rate-schedule.js';
import { cosineWarmRestartsRate } from './learning-rate-schedule.js';
import type { TrainingData } from './training-data.js';
import { TrainingProgress } from './training-progress.js';
import { modelWeightLengths, readModelWeights, writeModelWeights } from './model-weights.js';
import type { CheckpointState, EpochRecord } from './training-checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from './training-checkpoint.js';

type Tf = TensorFlow;
type Tensor = tfTypes.Tensor;

/** Seed 001's weights of the generator's loss terms (its appendix: 100, 1, 10). */
export interface DecompositionLossWeights {
  l1: number;
  gradientCorrelation: number;
  featureMatching: number;
}

export const SEED_001_LOSS_WEIGHTS: DecompositionLossWeights = { l1: 100, gradientCorrelation: 1, featureMatching: 10 };

export interface DecompositionGanOptions {
  label: string;
  epochs: number;
  batchSize: number;
  seed: number;
  schedule: CosineWarmRestarts;
  weightDecay?: number;
  lossWeights?: DecompositionLossWeights;
  discriminator: Pick<MultiScalePatchGanOptions, 'scales' | 'layers'>;
  write?: (line: string) => void;
  /** Folder for a checkpoint (both networks, both optimisers) after every epoch; the same run resumes from it. */
  checkpointDir?: string;
  /** Called after each epoch's checkpoint. */
  onEpochEnd?: (record: GanEpochRecord) => void;
}

/** One GAN epoch: `trainLoss` is the generator's total loss. */
export interface GanEpochRecord extends EpochRecord {
  discriminatorLoss: number;
  l1: number;
  gradientCorrelationLoss: number;
  featureMatching: number;
}

/** The generator's total loss and its parts for one batch (seed 001 Eq. 7 plus the adversarial term of Eq. 8). */
function generatorObjective(
  tf: Tf,
  generator: tfTypes.LayersModel,
  discriminator: tfTypes.LayersModel,
  condition: Tensor,
  target: Tensor,
  weights: DecompositionLossWeights,
  d: DecompositionGanOptions['discriminator'],
): { total: tfTypes.Scalar; parts: Tensor[] } {
  const fake = generator.apply(condition, { training: true }) as Tensor;
  const real = groupPatchGanOutputs(discriminator.apply([condition, target], { training: true }) as Tensor[], d);
  const faked = groupPatchGanOutputs(discriminator.apply([condition, fake], { training: true }) as Tensor[], d);
  const l1 = l1Loss(tf, target, fake);
  const gc = gradientCorrelationLoss(tf, target, fake);
  // Only the generator's variables are differentiated, so the real pair's features act as constants.
  const fm = real.features.reduce<tfTypes.Scalar>((sum, features, k) => tf.add(sum, featureMatchingLoss(tf, features, faked.features[k]!)), tf.scalar(0));
  const adversarial = generatorAdversarialLoss(tf, faked.logits);
  const total = tf.addN([tf.mul(l1, weights.l1), tf.mul(gc, weights.gradientCorrelation), tf.mul(fm, weights.featureMatching), adversarial]) as tfTypes.Scalar;
  return { total, parts: [l1, gc, fm] };
}

/**
 * Trains a decomposition generator against a multi-scale conditional PatchGAN as seed 001 does
 * (Pix2PixHD settings): per batch, one discriminator step on real and generated pairs, then one
 * generator step on lambda_L1 L1 + lambda_GC GC + lambda_FM sum_k FM_k + sum_k L_GAN. Both use AdamW
 * with cosine warm restarts; batches are seeded per epoch. With a checkpoint folder, both networks
 * and both optimisers are saved after every epoch and an interrupted run resumes to the same
 * weights. The data's inputs[0] is the X-ray, its targets the DRR.
 */
export async function trainDecompositionGan(
  tf: Tf,
  generator: tfTypes.LayersModel,
  discriminator: tfTypes.LayersModel,
  data: TrainingData,
  o: DecompositionGanOptions,
): Promise<GanEpochRecord[]> {
  if (data.count === 0) throw new OpenBmdError('EMPTY_INPUT', `${o.label}: no training samples`);
  const weights = o.lossWeights ?? SEED_001_LOSS_WEIGHTS;
  const gVariables = trainableVariables(generator);
  const dVariables = trainableVariables(discriminator);
  const gOptimizer = new AdamW(tf, gVariables, { weightDecay: o.weightDecay ?? 1e-2, beta1: 0.5 });
  const dOptimizer = new AdamW(tf, dVariables, { weightDecay: o.weightDecay ?? 1e-2, beta1: 0.5 });
  const perBatch = Math.min(o.batchSize, data.count);
  const batches = Math.max(1, Math.floor(data.count / perBatch));
  const gLengths = modelWeightLengths(generator);
  const runKey = createHash('sha256')
    .update(
      JSON.stringify({
        label: o.label,
        seed: o.seed,
        batchSize: o.batchSize,
        schedule: o.schedule,
        weightDecay: o.weightDecay ?? 1e-2,
        weights,
        count: data.count,
        discriminator: o.discriminator,
        g: gLengths,
        d: modelWeightLengths(discriminator),
      }),
    )
    .digest('hex')
    .slice(0, 16);
  let history: GanEpochRecord[] = [];
  if (o.checkpointDir !== undefined) {
    const loaded = loadCheckpoint(o.checkpointDir, runKey, [...gLengths, ...modelWeightLengths(discriminator)]);
    if (loaded !== undefined) {
      const g = generator.weights.length;
      writeModelWeights(tf, generator, loaded.arrays.weights.slice(0, g));
      writeModelWeights(tf, discriminator, loaded.arrays.weights.slice(g));
      const gv = gVariables.length;
      gOptimizer.setState({
        step: loaded.state.optimizerStep,
        firstMoments: loaded.arrays.firstMoments.slice(0, gv),
        secondMoments: loaded.arrays.secondMoments.slice(0, gv),
      });
      dOptimizer.setState({
        step: loaded.state.optimizerStep,
        firstMoments: loaded.arrays.firstMoments.slice(gv),
        secondMoments: loaded.arrays.secondMoments.slice(gv),
      });
      history = loaded.state.history as GanEpochRecord[];
      (o.write ?? ((line: string): void => void process.stderr.write(`${line}\n`)))(
        `[${o.label}] resuming after epoch ${loaded.state.epochsDone} from ${o.checkpointDir}`,
      );
    }
  }
  const progress = new TrainingProgress(o.label, Math.max(0, o.epochs - history.length) * batches * perBatch, o.write);
  for (let epoch = history.length + 1; epoch <= o.epochs; epoch++) {
    const started = Date.now();
    const random = new SeededRandom((o.seed * 1_000_003 + epoch) >>> 0);
    const order = random.shuffled(Array.from({ length: data.count }, (_, i) => i));
    const sums = { g: 0, d: 0, l1: 0, gc: 0, fm: 0 };
    let learningRate = 0;
    for (let b = 0; b < batches; b++) {
      const host = data.batch(order.slice(b * perBatch, (b + 1) * perBatch), random);
      const condition = tf.tensor(host.inputs[0]!.data, host.inputs[0]!.shape);
      const target = tf.tensor(host.targets.data, host.targets.shape);
      learningRate = cosineWarmRestartsRate(o.schedule, epoch - 1 + b / batches);
      // Discriminator step: the generated pairs are made outside the tape, so no gradient reaches the generator.
      const fake = tf.tidy(() => generator.apply(condition, { training: true }) as Tensor);
      const dStep = tf.variableGrads(() => {
        const real = groupPatchGanOutputs(discriminator.apply([condition, target], { training: true }) as Tensor[], o.discriminator);
        const faked = groupPatchGanOutputs(discriminator.apply([condition, fake], { training: true }) as Tensor[], o.discriminator);
        return discriminatorLoss(tf, real.logits, faked.logits);
      }, dVariables);
      dOptimizer.apply(
        dVariables.map((v) => dStep.grads[v.name]!),
        learningRate,
      );
      sums.d += dStep.value.dataSync()[0]!;
      tf.dispose([fake, dStep.value, ...Object.values(dStep.grads)]);
      // Generator step, with the discriminator's variables left alone.
      let parts: number[] = [];
      const gStep = tf.variableGrads(() => {
        const objective = generatorObjective(tf, generator, discriminator, condition, target, weights, o.discriminator);
        parts = objective.parts.map((p) => p.dataSync()[0]!);
        return objective.total;
      }, gVariables);
      gOptimizer.apply(
        gVariables.map((v) => gStep.grads[v.name]!),
        learningRate,
      );
      const gLoss = gStep.value.dataSync()[0]!;
      if (!Number.isFinite(gLoss))
        throw new OpenBmdError('INTERNAL', `${o.label}: the generator loss became ${gLoss} at epoch ${epoch}; lower the learning rate`);
      sums.g += gLoss;
      sums.l1 += parts[0]!;
      sums.gc += parts[1]!;
      sums.fm += parts[2]!;
      tf.dispose([gStep.value, ...Object.values(gStep.grads), condition, target]);
      progress.batch(epoch, o.epochs, b + 1, batches, perBatch, gLoss);
    }
    const record: GanEpochRecord = {
      epoch,
      trainLoss: sums.g / batches,
      validationLoss: null,
      learningRate,
      seconds: (Date.now() - started) / 1000,
      discriminatorLoss: sums.d / batches,
      l1: sums.l1 / batches,
      gradientCorrelationLoss: sums.gc / batches,
      featureMatching: sums.fm / batches,
    };
    history.push(record);
    progress.epoch(
      epoch,
      o.epochs,
      record.trainLoss,
      undefined,
      learningRate,
      `(D ${record.discriminatorLoss.toFixed(3)}, L1 ${record.l1.toFixed(4)}, GC loss ${record.gradientCorrelationLoss.toFixed(3)}, FM ${record.featureMatching.toFixed(3)})`,
    );
    if (o.checkpointDir !== undefined) {
      const gState = gOptimizer.getState();
      const dState = dOptimizer.getState();
      const state: CheckpointState = {
        runKey,
        epochsDone: epoch,
        history,
        bestEpoch: null,
        bestLoss: null,
        epochsWithoutImprovement: 0,
        optimizerStep: gState.step,
      };
      saveCheckpoint(o.checkpointDir, state, {
        weights: [...readModelWeights(generator), ...readModelWeights(discriminator)],
        firstMoments: [...gState.firstMoments, ...dState.firstMoments],
        secondMoments: [...gState.secondMoments, ...dState.secondMoments],
        best: null,
      });
    }
    o.onEpochEnd?.(record);
  }
  gOptimizer.dispose();
  dOptimizer.dispose();
  return history;
}
