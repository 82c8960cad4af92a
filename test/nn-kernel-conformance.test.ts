// Conformance of the wasm backend (with openbmd's added and replaced kernels) against TensorFlow.js's
// pure-JS cpu backend, in the style of tfjs's own backend suites: every convolution, pooling and
// batch-normalisation reduction the architectures use, forward and gradient, on random shapes,
// strides and paddings. The largest absolute difference of each case is printed and must stay below 1e-4.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { nnBackend } from '../src/nn/nn-backend.js';

type Tf = TensorFlow;
type Case = { name: string; inputs: { shape: number[]; data: Float32Array }[]; run: (tf: Tf, xs: tfTypes.Tensor[]) => tfTypes.Tensor };

const random = new SeededRandom(20261121);
const tensorData = (shape: number[]): { shape: number[]; data: Float32Array } => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random.nextNormal()),
});

/** Forward output and the gradient of sum(output * weights) with respect to every input, as plain arrays. */
async function evaluate(backend: 'cpu' | 'wasm', c: Case): Promise<Float32Array[]> {
  const tf = await nnBackend(backend);
  return tf.tidy(() => {
    const xs = c.inputs.map((i) => tf.tensor(i.data, i.shape));
    const out = c.run(tf, xs);
    const weights = tf.tensor(
      Float32Array.from({ length: out.size }, (_, k) => Math.sin(k * 0.37)),
      out.shape,
    );
    const grads = tf.grads((...args: tfTypes.Tensor[]) => tf.sum(tf.mul(c.run(tf, args), weights)))(xs);
    return [out, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

function cases(): Case[] {
  const list: Case[] = [];
  const pads: ('same' | 'valid' | number)[] = ['same', 'valid', 1];
  // conv2d: forward, input gradient and the filter gradient openbmd registers for wasm.
  const conv2dShapes = [
    { n: 2, h: 9, w: 7, cin: 3, f: 3, cout: 4, stride: 1 },
    { n: 1, h: 12, w: 10, cin: 2, f: 3, cout: 5, stride: 2 },
    { n: 3, h: 11, w: 11, cin: 4, f: 5, cout: 2, stride: 3 },
    { n: 2, h: 8, w: 13, cin: 1, f: 1, cout: 3, stride: 2 },
    { n: 1, h: 16, w: 16, cin: 8, f: 4, cout: 8, stride: 2 },
    // The filter tiling the input (a U-Net's up-convolution): the input gradient's matrix-product path, odd sizes cut.
    { n: 2, h: 12, w: 10, cin: 3, f: 2, cout: 5, stride: 2 },
    { n: 1, h: 11, w: 9, cin: 4, f: 2, cout: 3, stride: 2 },
    { n: 2, h: 9, w: 12, cin: 2, f: 3, cout: 4, stride: 3 },
  ];
  for (const s of conv2dShapes) {
    for (const pad of pads) {
      if (typeof pad === 'number' && s.f === 1) continue;
      list.push({
        name: `conv2d ${s.n}x${s.h}x${s.w}x${s.cin} * ${s.f}x${s.f}x${s.cin}x${s.cout} stride ${s.stride} pad ${pad}`,
        inputs: [tensorData([s.n, s.h, s.w, s.cin]), tensorData([s.f, s.f, s.cin, s.cout])],
        run: (tf, [x, w]) => tf.conv2d(x as tfTypes.Tensor4D, w as tfTypes.Tensor4D, s.stride, pad),
      });
    }
  }
  list.push({
    name: 'conv2d explicit padding [[0,0],[2,1],[0,3],[0,0]] stride [2,1]',
    inputs: [tensorData([2, 7, 9, 3]), tensorData([3, 2, 3, 4])],
    run: (tf, [x, w]) =>
      tf.conv2d(
        x as tfTypes.Tensor4D,
        w as tfTypes.Tensor4D,
        [2, 1],
        [
          [0, 0],
          [2, 1],
          [0, 3],
          [0, 0],
        ],
      ),
  });
  list.push({
    name: 'conv2dTranspose 2x6x6x4 -> 12x12x3 stride 2 same',
    inputs: [tensorData([2, 6, 6, 4]), tensorData([3, 3, 3, 4])],
    run: (tf, [x, w]) => tf.conv2dTranspose(x as tfTypes.Tensor4D, w as tfTypes.Tensor4D, [2, 12, 12, 3], 2, 'same'),
  });
  list.push({
    name: 'conv2dTranspose 2x6x5x4 -> 12x10x3 2x2 filter stride 2 same (U-Net)',
    inputs: [tensorData([2, 6, 5, 4]), tensorData([2, 2, 3, 4])],
    run: (tf, [x, w]) => tf.conv2dTranspose(x as tfTypes.Tensor4D, w as tfTypes.Tensor4D, [2, 12, 10, 3], 2, 'same'),
  });
  for (const [stride, pad] of [
    [1, 'same'],
    [2, 'valid'],
    [2, 'same'],
  ] as const) {
    list.push({
      name: `conv3d 2x7x8x6x3 * 3x3x3x3x4 stride ${stride} pad ${pad}`,
      inputs: [tensorData([2, 7, 8, 6, 3]), tensorData([3, 3, 3, 3, 4])],
      run: (tf, [x, w]) => tf.conv3d(x as tfTypes.Tensor5D, w as tfTypes.Tensor5D, stride, pad),
    });
  }
  for (const [size, stride, pad] of [
    [2, 2, 'valid'],
    [3, 2, 'same'],
    [3, 1, 'same'],
  ] as const) {
    list.push({
      name: `maxPool ${size} stride ${stride} ${pad}`,
      inputs: [tensorData([2, 9, 10, 3])],
      run: (tf, [x]) => tf.maxPool(x as tfTypes.Tensor4D, size, stride, pad),
    });
    list.push({
      name: `avgPool ${size} stride ${stride} ${pad}`,
      inputs: [tensorData([2, 9, 10, 3])],
      run: (tf, [x]) => tf.avgPool(x as tfTypes.Tensor4D, size, stride, pad),
    });
    list.push({
      name: `maxPool3d ${size} stride ${stride} ${pad}`,
      inputs: [tensorData([1, 6, 7, 8, 2])],
      run: (tf, [x]) => tf.maxPool3d(x as tfTypes.Tensor5D, size, stride, pad),
    });
    list.push({
      name: `avgPool3d ${size} stride ${stride} ${pad}`,
      inputs: [tensorData([1, 6, 7, 8, 2])],
      run: (tf, [x]) => tf.avgPool3d(x as tfTypes.Tensor5D, size, stride, pad),
    });
  }
  // Square only: the cpu reference's ResizeBilinearGrad (4.22) returns height and width swapped.
  list.push({
    name: 'split 2x3x4x5x7 on channels [2, 5] (the concatenation gradient)',
    inputs: [tensorData([2, 3, 4, 5, 7])],
    run: (tf, [x]) => tf.split(x!, [2, 5], -1)[1]!,
  });
  list.push({ name: 'split 3x8x5 on axis 1 into 4', inputs: [tensorData([3, 8, 5])], run: (tf, [x]) => tf.split(x!, 4, 1)[2]! });
  list.push({
    name: 'conv3dTranspose 1x3x4x3x4 -> 6x8x6x2 stride 2 same',
    inputs: [tensorData([1, 3, 4, 3, 4]), tensorData([2, 2, 2, 2, 4])],
    run: (tf, [x, w]) => tf.conv3dTranspose(x as tfTypes.Tensor5D, w as tfTypes.Tensor5D, [1, 6, 8, 6, 2], 2, 'same'),
  });
  list.push({ name: 'tile 2x1x3x1 by [1, 4, 1, 5]', inputs: [tensorData([2, 1, 3, 1])], run: (tf, [x]) => tf.tile(x!, [1, 4, 1, 5]) });
  list.push({
    name: 'batchNorm 4x5x5x3 (tiled statistics in its gradient)',
    inputs: [tensorData([4, 5, 5, 3]), tensorData([3]), tensorData([3])],
    run: (tf, [x, scale, offset]) => {
      const { mean, variance } = tf.moments(x!, [0, 1, 2]);
      return tf.batchNorm(x!, mean, variance, offset as tfTypes.Tensor1D, scale as tfTypes.Tensor1D, 1e-3);
    },
  });
  // Sum and Mean over leading axes (openbmd's pooled reduction) and over other axes (the wasm kernel).
  const reductions: { shape: number[]; axes: number[]; keepDims: boolean }[] = [
    { shape: [4, 9, 7, 5], axes: [0, 1, 2], keepDims: false },
    { shape: [4, 9, 7, 5], axes: [0, 1, 2], keepDims: true },
    { shape: [6, 5, 3], axes: [0], keepDims: false },
    { shape: [2, 3, 8, 8, 4], axes: [-5, -4, -3, -2], keepDims: true },
    { shape: [4, 9, 7, 5], axes: [1, 2], keepDims: false },
    { shape: [4, 9, 7, 5], axes: [3], keepDims: true },
  ];
  for (const r of reductions) {
    list.push({
      name: `sum ${r.shape.join('x')} over [${r.axes.join(',')}] keepDims ${r.keepDims}`,
      inputs: [tensorData(r.shape)],
      run: (tf, [x]) => tf.sum(x!, r.axes, r.keepDims),
    });
    list.push({
      name: `mean ${r.shape.join('x')} over [${r.axes.join(',')}] keepDims ${r.keepDims}`,
      inputs: [tensorData(r.shape)],
      run: (tf, [x]) => tf.mean(tf.mul(x!, 10), r.axes, r.keepDims),
    });
  }
  list.push({
    name: 'resizeBilinear 2x6x6x3 -> 12x12',
    inputs: [tensorData([2, 6, 6, 3])],
    run: (tf, [x]) => tf.image.resizeBilinear(x as tfTypes.Tensor4D, [12, 12]),
  });
  // Batch 1 only: the cpu reference's ResizeNearestNeighborGrad (4.22) is wrong for batch > 1;
  // wasm is checked against the closed form for batch 2 in its own test below.
  list.push({
    name: 'resizeNearestNeighbor 1x5x6x3 -> 10x12',
    inputs: [tensorData([1, 5, 6, 3])],
    run: (tf, [x]) => tf.image.resizeNearestNeighbor(x as tfTypes.Tensor4D, [10, 12]),
  });
  return list;
}

test('wasm matches cpu for every convolution and pooling, forward and gradient (max abs difference < 1e-4)', async () => {
  const tf = await nnBackend('wasm');
  assert.notEqual(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined, 'openbmd registers Conv2DBackpropFilter for wasm');
  const lines: string[] = [];
  let worst = 0;
  for (const c of cases()) {
    const reference = await evaluate('cpu', c);
    const candidate = await evaluate('wasm', c);
    assert.equal(candidate.length, reference.length);
    let maxDiff = 0;
    let maxRef = 0;
    reference.forEach((ref, k) => {
      const got = candidate[k]!;
      assert.equal(got.length, ref.length, `${c.name}: output ${k} size`);
      for (let i = 0; i < ref.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(got[i]! - ref[i]!));
        maxRef = Math.max(maxRef, Math.abs(ref[i]!));
      }
    });
    worst = Math.max(worst, maxDiff);
    lines.push(`  ${c.name}: max |wasm - cpu| = ${maxDiff.toExponential(2)} (values up to ${maxRef.toFixed(1)})`);
    assert.ok(maxRef > 0.1, `${c.name}: the reference is not trivially zero`);
    assert.ok(maxDiff < 1e-4, `${c.name}: max abs difference ${maxDiff}`);
  }
  console.log(`kernel conformance, ${lines.length} cases, worst ${worst.toExponential(2)}:\n${lines.join('\n')}`);
  await nnBackend('wasm');
});

test('wasm nearest-neighbour upsampling gradient equals the closed form for a batch of 2 (where cpu is wrong)', async () => {
  const tf = await nnBackend('wasm');
  const [b, h, w, c] = [2, 6, 6, 3];
  const x = Float32Array.from({ length: b * h * w * c }, () => random.nextNormal());
  const dy = Float32Array.from({ length: b * 4 * h * w * c }, () => random.nextNormal());
  const grad = tf.tidy(() => {
    const weights = tf.tensor(dy, [b, 2 * h, 2 * w, c]);
    return tf
      .grad((t: tfTypes.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(t as tfTypes.Tensor4D, [2 * h, 2 * w]), weights)))(tf.tensor(x, [b, h, w, c]))
      .dataSync();
  });
  // Doubling: output (i, j) copies input (floor(i / 2), floor(j / 2)); its gradient sums the four copies.
  let maxDiff = 0;
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let k = 0; k < c; k++) {
          let expected = 0;
          for (const [di, dj] of [
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 1],
          ] as const)
            expected += dy[((n * 2 * h + 2 * i + di) * 2 * w + 2 * j + dj) * c + k]!;
          maxDiff = Math.max(maxDiff, Math.abs(grad[((n * h + i) * w + j) * c + k]! - expected));
        }
      }
    }
  }
  assert.ok(maxDiff < 1e-5, `max difference ${maxDiff}`);
});

test('the added and replaced gradient kernels leak no tensors or bytes', async () => {
  const tf = await nnBackend('wasm');
  const x2 = tf.randomNormal([2, 8, 8, 3]) as tfTypes.Tensor4D;
  const w2 = tf.randomNormal([3, 3, 3, 4]) as tfTypes.Tensor4D;
  const x3 = tf.randomNormal([1, 6, 6, 6, 2]) as tfTypes.Tensor5D;
  const w3 = tf.randomNormal([3, 3, 3, 2, 3]) as tfTypes.Tensor5D;
  // The tiled input gradient (filter = stride), whole and cut to an odd input.
  const up = tf.randomNormal([2, 2, 5, 3]) as tfTypes.Tensor4D;
  const odd = tf.randomNormal([2, 7, 7, 3]) as tfTypes.Tensor4D;
  const before = tf.memory();
  // The engine counts the tensors it saw; a composed kernel's own intermediates live in the backend alone.
  const backendBuffersBefore = tf.backend().numDataIds();
  for (let i = 0; i < 10; i++) {
    tf.tidy(() => {
      const [gx2, gw2] = tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor) =>
        tf.sum(tf.maxPool(tf.conv2d(a as tfTypes.Tensor4D, b as tfTypes.Tensor4D, 2, 'same'), 2, 2, 'same')),
      )([x2, w2]);
      const [gx3, gw3] = tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor) =>
        tf.sum(tf.maxPool3d(tf.conv3d(a as tfTypes.Tensor5D, b as tfTypes.Tensor5D, 2, 'same'), 2, 1, 'same')),
      )([x3, w3]);
      const upsampled = tf.conv2dTranspose(x2, up, [2, 16, 16, 5], 2, 'same');
      const [gOdd] = tf.grads((a: tfTypes.Tensor) => tf.sum(tf.conv2d(a as tfTypes.Tensor4D, tf.slice(up, 0, [2, 2, 3, 3]) as tfTypes.Tensor4D, 2, 'same')))([
        odd,
      ]);
      return [gx2!, gw2!, gx3!, gw3!, upsampled, gOdd!].map((t) => t.dataSync());
    });
  }
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
  assert.equal(after.numDataBuffers, before.numDataBuffers);
  assert.equal(tf.backend().numDataIds(), backendBuffersBefore, 'buffers held by the wasm backend');
  tf.dispose([x2, w2, x3, w3, up, odd]);
});
