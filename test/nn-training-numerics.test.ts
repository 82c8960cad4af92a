// The training loop's numerics against independent references: losses against closed forms written
// here with plain loops and against scikit-learn's log_loss, AdamW against TensorFlow.js's own Adam
// (no decay) and the closed-form decoupled decay, the SGDR schedule and seed 001's sample weights
// against their formulas, and the augmentation's resampling against OpenCV's warpAffine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { discriminatorLoss, featureMatchingLoss, generatorAdversarialLoss } from '../src/nn/losses/adversarial-losses.js';
import { gradientCorrelationLoss } from '../src/nn/losses/gradient-correlation-loss.js';
import { l1Loss, mseLoss, weightedL1Loss } from '../src/nn/losses/regression-losses.js';
import { crossEntropyLoss, diceLoss, heatmapLoss } from '../src/nn/losses/segmentation-losses.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { AdamW } from '../src/nn/training/adamw.js';
import type { AugmentationRanges } from '../src/nn/training/image-augmentation.js';
import { adjustIntensity, drawAugmentation, invertAffine, transformPoint, warpImage } from '../src/nn/training/image-augmentation.js';
import { cosineWarmRestartsRate } from '../src/nn/training/learning-rate-schedule.js';
import { bmdSampleWeights } from '../src/nn/training/sample-weights.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';

const random = new SeededRandom(5);
const values = (n: number, scale = 1): number[] => Array.from({ length: n }, () => scale * random.nextNormal());
const scalar = (t: tfTypes.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};
const near = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('L1, MSE, weighted L1, Dice, heat-map and adversarial losses equal their closed forms', async () => {
  const tf = await nnBackend('wasm');
  const truth = values(24);
  const predicted = values(24);
  const t = tf.tensor(truth, [4, 6]);
  const p = tf.tensor(predicted, [4, 6]);
  near(scalar(l1Loss(tf, t, p)), truth.reduce((s, v, i) => s + Math.abs(v - predicted[i]!), 0) / 24, 1e-6, 'L1');
  near(scalar(mseLoss(tf, t, p)), truth.reduce((s, v, i) => s + (v - predicted[i]!) ** 2, 0) / 24, 1e-5, 'MSE');
  const weights = [1.5, 0.5, 1, 1.2];
  let weighted = 0;
  for (let n = 0; n < 4; n++) {
    let row = 0;
    for (let k = 0; k < 6; k++) row += Math.abs(truth[n * 6 + k]! - predicted[n * 6 + k]!);
    weighted += (weights[n]! * row) / 6;
  }
  near(scalar(weightedL1Loss(tf, t, p, tf.tensor1d(weights))), weighted / 4, 1e-6, 'weighted L1');
  // One weight per target value (seed 001's separate tasks; 0 for a missing value): the mean of w * |y - p| over every value.
  const perValue = truth.map((_, i) => (i % 5 === 0 ? 0 : 0.5 + (i % 3) * 0.5));
  const perValueLoss = truth.reduce((s, v, i) => s + perValue[i]! * Math.abs(v - predicted[i]!), 0) / 24;
  near(scalar(weightedL1Loss(tf, t, p, tf.tensor1d(perValue))), perValueLoss, 1e-6, 'weighted L1, a weight per value');

  // Dice: two 1-D "images" per sample, one channel.
  const mask = [1, 1, 0, 0, 1, 0, 0, 0];
  const prob = [0.9, 0.6, 0.2, 0.1, 0.7, 0.3, 0.0, 0.4];
  const diceOf = (a: number[], b: number[]): number =>
    (2 * a.reduce((s, v, i) => s + v * b[i]!, 0) + 1) / (a.reduce((s, v) => s + v, 0) + b.reduce((s, v) => s + v, 0) + 1);
  const expectedDice = 1 - (diceOf(mask.slice(0, 4), prob.slice(0, 4)) + diceOf(mask.slice(4), prob.slice(4))) / 2;
  near(scalar(diceLoss(tf, tf.tensor(mask, [2, 2, 2, 1]), tf.tensor(prob, [2, 2, 2, 1]))), expectedDice, 1e-6, 'Dice');
  near(scalar(diceLoss(tf, tf.tensor(mask, [2, 2, 2, 1]), tf.tensor(mask, [2, 2, 2, 1]))), 0, 1e-6, 'Dice of a mask with itself');

  // Heat map: squared error summed over space, averaged over batch and landmarks.
  const a = values(2 * 3 * 3 * 2);
  const b = values(2 * 3 * 3 * 2);
  let heat = 0;
  for (let i = 0; i < a.length; i++) heat += (a[i]! - b[i]!) ** 2;
  near(scalar(heatmapLoss(tf, tf.tensor(a, [2, 3, 3, 2]), tf.tensor(b, [2, 3, 3, 2]))), heat / 4, 1e-4, 'heat map');

  // Adversarial: BCE on logits, -log sigmoid(z) for real, -log(1 - sigmoid(z)) for fake, summed over scales.
  const real = [
    [2.5, -1],
    [0.3, 40],
  ];
  const fake = [
    [-3, 0.5],
    [-40, 1],
  ];
  const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
  const expectedD = real.reduce((s, r, k) => s + mean(r.map((z) => softplus(-z))) + mean(fake[k]!.map((z) => softplus(z))), 0);
  near(
    scalar(
      discriminatorLoss(
        tf,
        real.map((r) => tf.tensor(r)),
        fake.map((f) => tf.tensor(f)),
      ),
    ),
    expectedD,
    1e-5,
    'discriminator loss',
  );
  near(
    scalar(
      generatorAdversarialLoss(
        tf,
        fake.map((f) => tf.tensor(f)),
      ),
    ),
    fake.reduce((s, f) => s + mean(f.map((z) => softplus(-z))), 0),
    1e-5,
    'generator adversarial loss',
  );
  const fr = [values(8), values(4)];
  const ff = [values(8), values(4)];
  near(
    scalar(
      featureMatchingLoss(
        tf,
        fr.map((x) => tf.tensor(x)),
        ff.map((x) => tf.tensor(x)),
      ),
    ),
    fr.reduce((s, x, i) => s + mean(x.map((v, j) => Math.abs(v - ff[i]![j]!))), 0),
    1e-5,
    'feature matching',
  );
});

test('gradient-correlation loss equals 1 - GC/2 with GC computed by plain loops (seed 001 Eq. 6)', async () => {
  const tf = await nnBackend('wasm');
  const [h, w] = [7, 9];
  const truth = values(h * w);
  const noisy = truth.map((v) => v + 0.7 * random.nextNormal());
  const ncc = (x: number[], y: number[]): number => {
    const mx = x.reduce((s, v) => s + v, 0) / x.length;
    const my = y.reduce((s, v) => s + v, 0) / y.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    x.forEach((v, i) => {
      sxy += (v - mx) * (y[i]! - my);
      sxx += (v - mx) ** 2;
      syy += (y[i]! - my) ** 2;
    });
    return sxy / Math.sqrt(sxx * syy);
  };
  const grads = (img: number[]): { dx: number[]; dy: number[] } => {
    const dx: number[] = [];
    const dy: number[] = [];
    for (let r = 0; r < h; r++) for (let c = 0; c < w - 1; c++) dx.push(img[r * w + c + 1]! - img[r * w + c]!);
    for (let r = 0; r < h - 1; r++) for (let c = 0; c < w; c++) dy.push(img[(r + 1) * w + c]! - img[r * w + c]!);
    return { dx, dy };
  };
  const gt = grads(truth);
  const gn = grads(noisy);
  const gc = ncc(gt.dx, gn.dx) + ncc(gt.dy, gn.dy);
  near(scalar(gradientCorrelationLoss(tf, tf.tensor(truth, [1, h, w, 1]), tf.tensor(noisy, [1, h, w, 1]))), 1 - gc / 2, 1e-5, 'GC loss');
  near(
    scalar(
      gradientCorrelationLoss(
        tf,
        tf.tensor(truth, [1, h, w, 1]),
        tf.tensor(
          truth.map((v) => 3 * v + 1),
          [1, h, w, 1],
        ),
      ),
    ),
    0,
    1e-5,
    'GC loss of an affine copy',
  );
  near(
    scalar(
      gradientCorrelationLoss(
        tf,
        tf.tensor(truth, [1, h, w, 1]),
        tf.tensor(
          truth.map((v) => -v),
          [1, h, w, 1],
        ),
      ),
    ),
    2,
    1e-5,
    'GC loss of the negative',
  );
});

const skipSklearn = announceSkip(pythonModulesMissing(['sklearn'], 'python3-sklearn'));

test('binary and categorical cross-entropy equal scikit-learn log_loss', { skip: skipSklearn }, async () => {
  const tf = await nnBackend('wasm');
  const labels = Array.from({ length: 40 }, () => (random.nextFloat() < 0.4 ? 1 : 0));
  const probabilities = labels.map((y) => Math.min(0.98, Math.max(0.02, 0.5 + (y === 1 ? 0.25 : -0.25) + 0.2 * random.nextNormal())));
  const classes = Array.from({ length: 30 }, () => random.nextInt(3));
  const logits = classes.map(() => values(3));
  const softmax = logits.map((z) => {
    const e = z.map((v) => Math.exp(v));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
  const reference = runPythonJson<{ binary: number; categorical: number }>(
    'import json, sys\nfrom sklearn.metrics import log_loss\nd = json.load(sys.stdin)\nprint(json.dumps({"binary": log_loss(d["y"], d["p"]), "categorical": log_loss(d["c"], d["s"], labels=[0, 1, 2])}))',
    { y: labels, p: probabilities, c: classes, s: softmax },
  );
  const binary = scalar(crossEntropyLoss(tf, tf.tensor(labels, [40, 1]), tf.tensor(probabilities, [40, 1])));
  const oneHot = classes.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
  const categorical = scalar(crossEntropyLoss(tf, tf.tensor(oneHot, [30, 3]), tf.tensor(softmax.flat(), [30, 3])));
  console.log(
    `cross-entropy: binary ${binary.toFixed(6)} (scikit-learn ${reference.binary.toFixed(6)}), categorical ${categorical.toFixed(6)} (scikit-learn ${reference.categorical.toFixed(6)})`,
  );
  near(binary, reference.binary, 1e-5, 'binary cross-entropy');
  near(categorical, reference.categorical, 1e-5, 'categorical cross-entropy');
});

test('AdamW without decay follows TensorFlow.js Adam step for step; its decay is decoupled (w -= lr * lambda * w)', async () => {
  const tf = await nnBackend('wasm');
  const start = values(12);
  const target = tf.tensor(values(12), [3, 4]);
  const ours = tf.variable(tf.tensor(start, [3, 4]), true, 'layer/kernel');
  const theirs = tf.variable(tf.tensor(start, [3, 4]), true, 'reference/kernel');
  const adamw = new AdamW(tf, [ours], { weightDecay: 0 });
  const adam = tf.train.adam(0.05, 0.9, 0.999, 1e-7);
  for (let step = 0; step < 25; step++) {
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(ours, target))) as tfTypes.Scalar, [ours]);
    adamw.apply([grads[ours.name]!], 0.05);
    tf.dispose(grads);
    adam.minimize(() => tf.sum(tf.square(tf.sub(theirs, target))) as tfTypes.Scalar, false, [theirs]);
  }
  const a = ours.dataSync();
  const b = theirs.dataSync();
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
  console.log(`AdamW (no decay) vs tf.train.adam after 25 steps: max |difference| ${maxDiff.toExponential(2)}`);
  assert.ok(maxDiff < 5e-5, `max difference ${maxDiff}`);

  // With a zero gradient the moments stay zero and only the decay acts: w_t = w_0 (1 - lr lambda)^t; biases do not decay.
  const kernel = tf.variable(tf.tensor([2, -4]), true, 'dense/kernel');
  const bias = tf.variable(tf.tensor([3]), true, 'dense/bias');
  const decaying = new AdamW(tf, [kernel, bias], { weightDecay: 0.1 });
  for (let step = 0; step < 10; step++) decaying.apply([tf.zeros([2]), tf.zeros([1])], 0.5);
  const factor = (1 - 0.5 * 0.1) ** 10;
  near(kernel.dataSync()[0]!, 2 * factor, 1e-5, 'decayed kernel');
  near(kernel.dataSync()[1]!, -4 * factor, 1e-5, 'decayed kernel');
  near(bias.dataSync()[0]!, 3, 0, 'bias is not decayed');
  adamw.dispose();
  decaying.dispose();
  tf.dispose([ours, theirs, target, kernel, bias]);
});

test('cosine warm restarts and seed 001 sample weights follow their formulas', () => {
  const s = { maxLearningRate: 1e-3, minLearningRate: 1e-5, firstPeriodEpochs: 10, periodMultiplier: 2 };
  near(cosineWarmRestartsRate(s, 0), 1e-3, 1e-12, 'start');
  near(cosineWarmRestartsRate(s, 5), 1e-5 + (1e-3 - 1e-5) / 2, 1e-12, 'mid first period');
  near(cosineWarmRestartsRate(s, 10), 1e-3, 1e-12, 'restart at 10');
  near(cosineWarmRestartsRate(s, 20), 1e-5 + ((1e-3 - 1e-5) * (1 + Math.cos(Math.PI / 2))) / 2, 1e-12, 'half of the 20-epoch second period');
  near(cosineWarmRestartsRate(s, 30), 1e-3, 1e-12, 'second restart at 10 + 20');
  near(cosineWarmRestartsRate({ ...s, warmupEpochs: 2 }, 1), 1e-5 + (1e-3 - 1e-5) / 2, 1e-12, 'warm-up');
  // d = |y - mean| = [0.3, 0.1, 0.1, 0.3] for y = [0.4, 0.6, 0.8, 1.0]: w = 1.5 - (d - 0.1) / 0.2.
  const w = bmdSampleWeights([0.4, 0.6, 0.8, 1.0]);
  [0.5, 1.5, 1.5, 0.5].forEach((expected, i) => near(w[i]!, expected, 1e-12, `weight ${i}`));
  assert.deepEqual(bmdSampleWeights([0.7, 0.7]), [1, 1]);
});

const skipOpenCv = announceSkip(pythonModulesMissing(['cv2', 'numpy'], 'python3-opencv'));

test('augmentation: the warp equals OpenCV warpAffine, landmarks follow the same matrix, intensity factors are exact', { skip: skipOpenCv }, () => {
  const [columns, rows] = [40, 32];
  const image = new Float32Array(columns * rows);
  for (let y = 0; y < rows; y++) for (let x = 0; x < columns; x++) image[y * columns + x] = Math.sin(x / 5) * Math.cos(y / 7) + 0.02 * x;
  const ranges: AugmentationRanges = {
    rotationDeg: 25,
    shearDeg: 9,
    translationFraction: 0.1,
    scaleFraction: 0.3,
    brightness: 0.5,
    contrast: 0.5,
    horizontalFlip: true,
    verticalFlip: true,
  };
  const draw = drawAugmentation(ranges, columns, rows, new SeededRandom(17));
  const ours = warpImage(image, columns, rows, 1, draw.forward, 'bilinear', 0);
  const reference = runPythonJson<number[]>(
    'import json, sys, numpy as np, cv2\nd = json.load(sys.stdin)\nimg = np.array(d["image"], dtype=np.float32).reshape(d["rows"], d["columns"])\nm = np.array(d["m"], dtype=np.float64).reshape(2, 3)\nout = cv2.warpAffine(img, m, (d["columns"], d["rows"]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)\nprint(json.dumps(out.ravel().tolist()))',
    { image: Array.from(image), rows, columns, m: draw.forward },
  );
  // Compare away from the border (OpenCV quantises bilinear weights to 1/32 of a pixel).
  const inverse = invertAffine(draw.forward);
  let maxDiff = 0;
  let compared = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const [sx, sy] = transformPoint(inverse, [x, y]);
      if (sx < 1 || sy < 1 || sx > columns - 2 || sy > rows - 2) continue;
      compared += 1;
      maxDiff = Math.max(maxDiff, Math.abs(ours[y * columns + x]! - reference[y * columns + x]!));
    }
  }
  console.log(`augmentation warp vs cv2.warpAffine: ${compared} interior pixels, max |difference| ${maxDiff.toExponential(2)}`);
  assert.ok(compared > 300, `compared ${compared}`);
  assert.ok(maxDiff < 0.01, `max difference ${maxDiff}`);
  // A single bright pixel lands where transformPoint sends its centre (nearest interpolation keeps it whole).
  const dot = new Float32Array(columns * rows);
  dot[15 * columns + 20] = 1;
  const moved = warpImage(dot, columns, rows, 1, draw.forward, 'nearest', 0);
  const [px, py] = transformPoint(draw.forward, [20, 15]);
  const brightest = moved.indexOf(Math.max(...moved));
  assert.ok(
    Math.hypot((brightest % columns) - px, Math.floor(brightest / columns) - py) <= 1,
    `dot at ${brightest % columns},${Math.floor(brightest / columns)} vs ${px},${py}`,
  );
  // Brightness scales the mean; contrast keeps it and scales the spread.
  const data = Float32Array.from([1, 2, 3, 6]);
  adjustIntensity(data, 1.5, 0.5);
  // times 1.5 -> [1.5, 3, 4.5, 9], mean 4.5; halfway to the mean -> [3, 3.75, 4.5, 6.75].
  assert.deepEqual(Array.from(data), [3, 3.75, 4.5, 6.75]);
});
