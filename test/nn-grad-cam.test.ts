// Grad-CAM against its closed form. Two image branches (1x1 convolutions with known weights, then
// global average pooling) fused with a covariate by a dense layer with known weights: the gradient
// of output j over branch b's feature map is v_bj / (rows * columns) everywhere, so its map is
// relu(v_bj * w_b * x_b), scaled to a peak of 1 — the rectified image itself when v_bj * w_b > 0, and
// nothing when it is negative. Also on the trained architecture: every map finite and in [0, 1].
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { covariateFusionNet } from '../src/nn/architectures/covariate-fusion-net.js';
import { gradCam, readFeatureOutputs, withFeatureOutputs } from '../src/nn/grad-cam.js';
import { nnBackend } from '../src/nn/nn-backend.js';

type SymbolicTensor = tfTypes.SymbolicTensor;

function knownNet(tf: TensorFlow): tfTypes.LayersModel {
  const branch = (name: string, weight: number): { input: SymbolicTensor; pooled: SymbolicTensor } => {
    const input = tf.input({ shape: [4, 5, 1], name });
    const conv = tf.layers.conv2d({ filters: 1, kernelSize: 1, useBias: false, weights: [tf.tensor4d([weight], [1, 1, 1, 1])] });
    const pooled = tf.layers.globalAveragePooling2d({}).apply(conv.apply(input) as SymbolicTensor) as SymbolicTensor;
    return { input, pooled };
  };
  const a = branch('ap-rois', 2);
  const b = branch('lat-rois', -1);
  const covariate = tf.input({ shape: [1], name: 'covariates' });
  const joined = tf.layers.concatenate({ axis: -1 }).apply([a.pooled, b.pooled, covariate]) as SymbolicTensor;
  // Output 0 = 3 * pool(a) - 4 * pool(b) + 5 c; output 1 = -1 * pool(a) + 0 * pool(b) + c.
  const dense = tf.layers.dense({ units: 2, useBias: false, weights: [tf.tensor2d([3, -1, -4, 0, 5, 1], [3, 2])] });
  return tf.model({ inputs: [a.input, b.input, covariate], outputs: dense.apply(joined) as SymbolicTensor });
}

const imageA = [0.5, -1, 2, 0, 1, 3, -2, 0.25, 1, 1, 0, 0, 4, -0.5, 2, 1, 1, -3, 0, 2];
const imageB = [1, 2, -1, 0.5, 0, 3, 1, -2, 0, 1, 2, 2, 1, 0, -1, 4, 0.5, 1, 1, -0.5];

function expected(image: number[], sign: number): number[] {
  const rectified = image.map((v) => Math.max(0, sign * v));
  const peak = Math.max(...rectified);
  return rectified.map((v) => (peak > 0 ? v / peak : 0));
}

test('Grad-CAM of two fused branches equals its closed form, per output and branch', async () => {
  const tf = await nnBackend('wasm');
  const model = knownNet(tf);
  const inputs = [tf.tensor4d(imageA, [1, 4, 5, 1]), tf.tensor4d(imageB, [1, 4, 5, 1]), tf.tensor2d([0.7], [1, 1])];
  const before = tf.memory().numTensors;
  // Output 0: branch a's map is relu(3/20 * 2 x_a), the rectified image.
  const maps0 = gradCam(tf, { model, inputs, outputIndex: 0 });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  assert.deepEqual(
    maps0.map((m) => [m.inputName, m.rows, m.columns]),
    [
      ['ap-rois', 4, 5],
      ['lat-rois', 4, 5],
    ],
  );
  // Branch b's feature map is -x_b and its gradient -4/20: the map is relu(0.2 x_b), the rectified image.
  for (const [m, want] of [
    [maps0[0]!, expected(imageA, 1)],
    [maps0[1]!, expected(imageB, 1)],
  ] as const)
    m.map.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5, `${m.inputName} ${i}: ${v} vs ${want[i]}`));
  assert.ok(Math.abs(maps0[0]!.peak - (3 / 20) * 2 * 4) < 1e-5, `peak ${maps0[0]!.peak}`);
  // Output 1: branch a's weight is negative, so its map is relu(-x_a); branch b has no weight: no map.
  const maps1 = gradCam(tf, { model, inputs, outputIndex: 1 });
  const wantA = expected(imageA, -1);
  maps1[0]!.map.forEach((v, i) => assert.ok(Math.abs(v - wantA[i]!) < 1e-5, `a ${i}: ${v} vs ${wantA[i]}`));
  assert.equal(maps1[1]!.peak, 0);
  assert.ok(maps1[1]!.map.every((v) => v === 0));
  tf.dispose(inputs);
});

test('Grad-CAM on the lumbar architecture (DenseNet-BC branches, covariates): maps on the last feature grid, finite, peak 1', async () => {
  const tf = await nnBackend('wasm');
  const model = covariateFusionNet(tf, {
    views: [
      { name: 'ap-rois', inputShape: [32, 32, 2] },
      { name: 'lat-rois', inputShape: [32, 32, 2] },
    ],
    covariates: 3,
    densenet: { growthRate: 4, blockLayers: [2, 2], compression: 0.5, bottleneck: true, stemStride: 2, dropout: 0.1 },
    hiddenUnits: 8,
    outputs: 5,
    seed: 3,
  });
  const image = (): tfTypes.Tensor4D => tf.randomUniform([1, 32, 32, 2], 0, 1, 'float32', 5) as tfTypes.Tensor4D;
  const inputs = [image(), image(), tf.tensor2d([[0.1, 1, 0.3]])];
  const maps = gradCam(tf, { model, inputs, outputIndex: 4 });
  assert.deepEqual(
    maps.map((m) => m.inputName),
    ['ap-rois', 'lat-rois'],
  );
  for (const m of maps) {
    // Stem stride 2 and one transition's pooling: 32 -> 8.
    assert.deepEqual([m.rows, m.columns], [8, 8]);
    assert.ok(m.map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
    if (m.peak > 0) assert.ok(Math.abs(Math.max(...m.map) - 1) < 1e-6);
  }
  // One pass for the prediction and the feature maps: the model's own prediction, and the same maps.
  const explained = withFeatureOutputs(tf, model).predict(inputs) as tfTypes.Tensor[];
  const read = readFeatureOutputs(explained);
  const plain = (model.predict(inputs) as tfTypes.Tensor).dataSync();
  assert.deepEqual(Array.from(read.prediction), Array.from(plain));
  const fromPass = gradCam(tf, { model, inputs, outputIndex: 4, features: read.features });
  fromPass.forEach((m, k) => {
    assert.equal(m.inputName, maps[k]!.inputName);
    assert.ok(Math.abs(m.peak - maps[k]!.peak) <= 1e-6 * Math.max(1, maps[k]!.peak), `peak ${m.peak} vs ${maps[k]!.peak}`);
    m.map.forEach((v, i) => assert.ok(Math.abs(v - maps[k]!.map[i]!) < 1e-5));
  });
  tf.dispose([...inputs, ...explained]);
});
