import type * as tfTypes from '../../../nn/tfjs-types.js';
import type { TensorFlow } from '../../../nn/tfjs-runtime.js';
import type { RegressionPooling } from '../../../nn/architectures/encoder-regression.js';
import { OpenBmdError } from '../../../core/errors.js';
import type { SeededRandom } from '../../../core/seeded-random.js';
import { encoderRegressionOn, isRegressionHeadLayer } from '../../../nn/architectures/encoder-regression.js';
import type { NetworkSpec } from '../../../nn/architectures/network-spec.js';
import { buildNetwork } from '../../../nn/architectures/network-spec.js';
import { adjustIntensity, drawAugmentation, warpImage } from '../../../nn/training/image-augmentation.js';
import { copyModelWeights } from '../../../nn/training/model-weights.js';
import { bmdSampleWeights } from '../../../nn/training/sample-weights.js';
import type { EpochRecord } from '../../../nn/training/training-checkpoint.js';
import { trainNetwork } from '../../../nn/training/train-network.js';
import type { TrainingData } from '../../../nn/training/training-data.js';
import type { BmdRegressionParameters } from '../model/bmd-regression.js';
import { bmdRegressionSpec } from '../model/hip-networks.js';
import type { HipMeasure } from '../model/pf-drr-bmd.js';
import { HIP_MEASURES } from '../model/pf-drr-bmd.js';
import { HIP_FIELD } from '../radiograph/hip-field.js';
import type { HipInputChannels } from '../radiograph/hip-network-input.js';
import { hipNetworkInput } from '../radiograph/hip-network-input.js';
import { HIP_AUGMENTATION } from './hip-augmentation.js';

/** Stage three's batch: the regression network is half the generator, so twice the generator's batch fits. */
export const REGRESSION_BATCH = 8;

/** Stage three's k-th network's seed (1-based): the run's for the first, then 1,000 apart. */
export function regressionMemberSeed(seed: number, member: number): number {
  return seed + 1000 * (member - 1);
}

/** A radiograph's field and the person's BMD, for stage three. */
export interface RegressionSample {
  field: Float32Array;
  truth: Partial<Record<HipMeasure, number>>;
}

const MIN_VALUES = 3;

const HEAD_LEARNING_RATE = 1e-3;
/** Seed 001 tuned R end to end at 8e-6 after training at 6e-5 (its Sec. 4.1): about a tenth. */
const TUNING_RATE_SHARE = 0.1;

/**
 * Seed 001's stage three: the regression network (the stage-two generator's encoder, copied so the
 * generator stays as trained, with a regression head) trained with the paper's sample-weighted L1
 * loss (Eqs. 9-11), each measure standardised and weighted by its own distribution (seed 001 treats
 * DXA and QCT BMD as independent tasks); a missing value weighs 0. With `freezeEncoderEpochs` the
 * encoder is held fixed at first and tuned after, as the paper did.
 */
export async function trainBmdRegression(
  tf: TensorFlow,
  o: {
    generator: tfTypes.LayersModel;
    generatorSpec: Extract<NetworkSpec, { architecture: 'decomposition-generator' }>;
    samples: readonly RegressionSample[];
    epochs: number;
    batchSize: number;
    seed: number;
    pooling: RegressionPooling;
    /**
     * Seed 001's schedule: the encoder held fixed for these first epochs (the head alone learns, at
     * the full rate), then the whole network tuned for the rest at a tenth of it. 0: end to end from
     * the start.
     */
    freezeEncoderEpochs: number;
    checkpointDir: string;
    write: (line: string) => void;
  },
): Promise<{
  network: tfTypes.LayersModel;
  spec: NetworkSpec;
  parameters: Omit<BmdRegressionParameters, 'trainedOn' | 'reported' | 'members'>;
  history: EpochRecord[];
}> {
  const measures = HIP_MEASURES.filter((m) => o.samples.filter((s) => s.truth[m] !== undefined).length >= MIN_VALUES);
  if (measures.length === 0) throw new OpenBmdError('EMPTY_INPUT', `stage three needs at least ${MIN_VALUES} radiographs with a BMD`);
  const mean: number[] = [];
  const sd: number[] = [];
  const weights = o.samples.map(() => new Float32Array(measures.length));
  measures.forEach((m, k) => {
    const having = o.samples.flatMap((s, i) => (s.truth[m] === undefined ? [] : [[i, s.truth[m]] as const]));
    const values = having.map(([, v]) => v);
    const mu = values.reduce((a, b) => a + b, 0) / values.length;
    mean.push(mu);
    sd.push(Math.sqrt(values.reduce((a, b) => a + (b - mu) ** 2, 0) / values.length) || 1);
    bmdSampleWeights(values).forEach((w, j) => (weights[having[j]![0]]![k] = w));
  });
  // The regression reads what its generator read.
  const channels = o.generatorSpec.options.inputShape[2] as HipInputChannels;
  const n = HIP_FIELD.rows * HIP_FIELD.columns * channels;
  const data: TrainingData = {
    count: o.samples.length,
    batch(indices: readonly number[], random: SeededRandom | undefined) {
      const x = new Float32Array(indices.length * n);
      const y = new Float32Array(indices.length * measures.length);
      const w = new Float32Array(indices.length * measures.length);
      indices.forEach((i, b) => {
        const s = o.samples[i]!;
        let field = s.field;
        if (random !== undefined) {
          const draw = drawAugmentation(HIP_AUGMENTATION, HIP_FIELD.columns, HIP_FIELD.rows, random);
          field = warpImage(s.field, HIP_FIELD.columns, HIP_FIELD.rows, 1, draw.forward, 'bilinear', 0);
          adjustIntensity(field, draw.brightnessFactor, draw.contrastFactor);
        }
        x.set(hipNetworkInput(field, channels), b * n);
        measures.forEach((m, k) => {
          const v = s.truth[m];
          y[b * measures.length + k] = v === undefined ? 0 : (v - mean[k]!) / sd[k]!;
          w[b * measures.length + k] = weights[i]![k]!;
        });
      });
      return {
        inputs: [{ data: x, shape: [indices.length, HIP_FIELD.rows, HIP_FIELD.columns, channels] }],
        targets: { data: y, shape: [indices.length, measures.length] },
        sampleWeights: w,
      };
    },
  };
  const spec = bmdRegressionSpec(o.seed, measures.length, channels, o.pooling);
  // A copy of the generator, so fine-tuning its encoder leaves the stage-two generator as trained.
  const copy = buildNetwork(tf, o.generatorSpec);
  copyModelWeights(tf, o.generator, copy, 'stage-two generator');
  const network = encoderRegressionOn(tf, copy, spec.options);
  const frozenEpochs = Math.min(o.freezeEncoderEpochs, o.epochs);
  const tunedEpochs = o.epochs - frozenEpochs;
  // One cosine period per phase, from its rate down to a hundredth of it.
  const phase = (label: string, epochs: number, rate: number, checkpointDir: string): ReturnType<typeof trainNetwork> =>
    trainNetwork(tf, network, data, {
      label,
      loss: 'weighted-l1',
      epochs,
      batchSize: o.batchSize,
      seed: o.seed + 31,
      schedule: { maxLearningRate: rate, minLearningRate: rate / 100, firstPeriodEpochs: epochs },
      weightDecay: 1e-4,
      checkpointDir,
      write: o.write,
    });
  const history: EpochRecord[] = [];
  if (frozenEpochs > 0) {
    const encoder = network.layers.filter((layer) => !isRegressionHeadLayer(layer.name));
    for (const layer of encoder) layer.trainable = false;
    history.push(...(await phase('hip stage3-head', frozenEpochs, HEAD_LEARNING_RATE, `${o.checkpointDir}-head`)).history);
    for (const layer of encoder) layer.trainable = true;
  }
  if (tunedEpochs > 0) {
    const rate = frozenEpochs > 0 ? HEAD_LEARNING_RATE * TUNING_RATE_SHARE : HEAD_LEARNING_RATE;
    const tuned = await phase('hip stage3-regression', tunedEpochs, rate, o.checkpointDir);
    history.push(...tuned.history.map((r) => ({ ...r, epoch: r.epoch + frozenEpochs })));
  }
  return { network, spec, parameters: { measures, mean, sd }, history };
}
