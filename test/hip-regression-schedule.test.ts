// Stage three's schedule (seed 001: the encoder held fixed at first, then the whole network tuned):
// during the frozen epochs the encoder's weights stay the generator's to the bit while the head
// learns; tuned afterwards, the encoder moves too; without freezing it moves from the start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import type { TensorFlow } from '../src/nn/tfjs-runtime.js';
import { isRegressionHeadLayer } from '../src/nn/architectures/encoder-regression.js';
import { buildNetwork } from '../src/nn/architectures/network-spec.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { pfGeneratorSpec } from '../src/pipelines/hip/model/hip-networks.js';
import { HIP_FIELD } from '../src/pipelines/hip/radiograph/hip-field.js';
import type { RegressionSample } from '../src/pipelines/hip/train/train-bmd-regression.js';
import { trainBmdRegression } from '../src/pipelines/hip/train/train-bmd-regression.js';
import { tempDir } from './helpers/temp-dir.js';

function samples(count: number): RegressionSample[] {
  const random = new SeededRandom(4);
  return Array.from({ length: count }, () => {
    const field = new Float32Array(HIP_FIELD.rows * HIP_FIELD.columns);
    const bmd = 0.6 + 0.3 * random.nextFloat();
    for (let i = 0; i < field.length; i++) field[i] = bmd * (i % HIP_FIELD.columns > 40 ? 1 : 0.3) + 0.05 * random.nextFloat();
    return { field, truth: { femneck_abmd: bmd, tothip_abmd: bmd + 0.1 } };
  });
}

/**
 * The largest change of any encoder kernel or bias (moving statistics left out). The regression
 * network is built on a copy of the generator, so its encoder layers are the generator's first
 * layers, in the same order (their names differ).
 */
function encoderChange(tf: TensorFlow, generator: tfTypes.LayersModel, network: tfTypes.LayersModel): number {
  const encoder = network.layers.filter((l) => !isRegressionHeadLayer(l.name));
  let largest = 0;
  encoder.forEach((layer, i) => {
    const original = generator.layers[i]!;
    assert.equal(layer.getClassName(), original.getClassName());
    layer.weights.forEach((w, k) => {
      if (!w.trainable) return;
      const delta = tf.tidy(() => tf.max(tf.abs(tf.sub(w.read(), original.weights[k]!.read()))).dataSync()[0]!);
      largest = Math.max(largest, delta);
    });
  });
  return largest;
}

function headChange(network: tfTypes.LayersModel, initial: number[]): number {
  const now = Array.from(network.getLayer('regression_output').getWeights()[0]!.dataSync());
  return Math.max(...now.map((v, i) => Math.abs(v - initial[i]!)));
}

test("stage three with the encoder held fixed: the encoder stays the generator's while the head learns; tuning then moves it", async () => {
  const tf = await nnBackend('cpu');
  const spec = pfGeneratorSpec(3, 1);
  const generator = buildNetwork(tf, { ...spec, options: { ...spec.options, baseFilters: 2, residualBlocks: 1 } });
  const generatorSpec = { ...spec, options: { ...spec.options, baseFilters: 2, residualBlocks: 1 } };
  const common = { generator, generatorSpec, samples: samples(6), batchSize: 3, seed: 5, pooling: 'average' as const, write: () => undefined };

  const frozen = await trainBmdRegression(tf, { ...common, epochs: 2, freezeEncoderEpochs: 2, checkpointDir: tempDir('stage3-frozen-') });
  assert.equal(frozen.history.length, 2);
  assert.equal(encoderChange(tf, generator, frozen.network), 0, 'the encoder moved while held fixed');
  assert.ok(
    frozen.network.layers.every((l) => l.trainable),
    'the layers are left trainable for what follows',
  );
  const fresh = buildNetwork(tf, frozen.spec);
  const initialHead = Array.from(fresh.getLayer('regression_output').getWeights()[0]!.dataSync());
  assert.ok(headChange(frozen.network, initialHead) > 1e-4, 'the head did not learn');

  const tuned = await trainBmdRegression(tf, { ...common, epochs: 3, freezeEncoderEpochs: 2, checkpointDir: tempDir('stage3-tuned-') });
  assert.deepEqual(
    tuned.history.map((h) => h.epoch),
    [1, 2, 3],
  );
  // The tuning epoch runs at a tenth of the head's rate.
  assert.ok(tuned.history[2]!.learningRate <= 1e-4 + 1e-12 && tuned.history[2]!.learningRate >= 1e-6, `${tuned.history[2]!.learningRate}`);
  assert.ok(encoderChange(tf, generator, tuned.network) > 0, 'tuning left the encoder as it was');

  const endToEnd = await trainBmdRegression(tf, { ...common, epochs: 1, freezeEncoderEpochs: 0, checkpointDir: tempDir('stage3-e2e-') });
  assert.ok(endToEnd.history[0]!.learningRate > 1e-4, 'end to end trains at the full rate');
  assert.ok(encoderChange(tf, generator, endToEnd.network) > 0, 'end to end left the encoder as it was');
});
