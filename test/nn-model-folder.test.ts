// Model folders: networks saved in TensorFlow.js layers format with a model.json description come
// back predicting exactly the same; the CLI verifies a folder and refuses a damaged, foreign or
// mismatched one with one clear line naming the file and exit 2.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as tfTypes from '../src/nn/tfjs-types.js';
import { OpenBmdError } from '../src/core/errors.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { buildNetwork } from '../src/nn/architectures/network-spec.js';
import type { NetworkSpec } from '../src/nn/architectures/network-spec.js';
import { loadModelFolder, saveModelFolder } from '../src/nn/model-folder/model-folder.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const DENSENET: NetworkSpec = { architecture: 'densenet-bc', options: { inputShape: [16, 16, 1], growthRate: 4, blockLayers: [2, 2], outputs: 1, seed: 2 } };
const UNET: NetworkSpec = { architecture: 'unet', options: { inputShape: [16, 16, 1], classes: 1, baseFilters: 4, depth: 2, attentionGates: true, seed: 3 } };

async function writeFolder(dir: string): Promise<{ inputs: tfTypes.Tensor; expected: Float32Array[] }> {
  const tf = await nnBackend('wasm');
  const densenet = buildNetwork(tf, DENSENET);
  const unet = buildNetwork(tf, UNET);
  // One training step so batch-norm moving statistics differ from their initial values.
  densenet.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
  const random = new SeededRandom(1);
  const inputs = tf.tensor(
    Float32Array.from({ length: 4 * 256 }, () => random.nextNormal()),
    [4, 16, 16, 1],
  );
  await densenet.trainOnBatch(inputs, tf.ones([4, 1]));
  const expected = [densenet, unet].map((m) => (m.predict(inputs) as tfTypes.Tensor).dataSync() as Float32Array);
  await saveModelFolder(
    tf,
    dir,
    {
      name: 'test-model',
      pipeline: 'forearm',
      command: 'openbmd train forearm --cohort sim/cohort.csv --out model',
      seed: 1,
      trainingData: { cohort: 'sim/cohort.csv', simulated: true, cases: 4 },
      parameters: { p: 1.2, q: 0.4, r: 0.01 },
      metrics: { pcc: 0.9 },
    },
    {
      regressor: { model: densenet, spec: DENSENET, preprocessing: { sizePixels: 16 } },
      segmenter: { model: unet, spec: UNET, preprocessing: { sizePixels: 16 } },
    },
  );
  return { inputs, expected };
}

test('a saved model folder loads back with identical predictions and its description', async () => {
  const tf = await nnBackend('wasm');
  const dir = tempDir('model-folder');
  const { inputs, expected } = await writeFolder(dir);
  const { description, networks } = await loadModelFolder(tf, dir, { pipeline: 'forearm', networks: { regressor: { inputShapes: [[16, 16, 1]] } } });
  assert.equal(description.pipeline, 'forearm');
  assert.deepEqual(description.parameters, { p: 1.2, q: 0.4, r: 0.01 });
  assert.equal(description.networks['regressor']!.spec.architecture, 'densenet-bc');
  ['regressor', 'segmenter'].forEach((name, i) => {
    const got = (networks[name]!.predict(inputs) as tfTypes.Tensor).dataSync();
    assert.deepEqual(Array.from(got), Array.from(expected[i]!), `${name} predictions`);
  });
  const topology = JSON.parse(readFileSync(join(dir, 'networks', 'regressor', 'model.json'), 'utf8')) as {
    format: string;
    weightsManifest: { paths: string[] }[];
  };
  assert.equal(topology.format, 'layers-model');
  assert.deepEqual(topology.weightsManifest[0]!.paths, ['weights.bin']);
  await assert.rejects(
    loadModelFolder(tf, dir, { networks: { regressor: { inputShapes: [[32, 32, 1]] } } }),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'BAD_MODEL' && /takes inputs \[\[16,16,1\]\], the pipeline gives \[\[32,32,1\]\]/.test(e.message),
  );
  await assert.rejects(
    loadModelFolder(tf, dir, { networks: { landmarks: {} } }),
    (e: unknown) => e instanceof OpenBmdError && e.code === 'BAD_MODEL' && /needs a network 'landmarks'/.test(e.message),
  );
});

test('inspect-model verifies a folder; damaged, foreign or missing parts exit 2 naming the file', async () => {
  const dir = tempDir('model-cli');
  await writeFolder(dir);
  const ok = runCli(['inspect-model', dir, '--json'], 60_000);
  assert.equal(ok.status, 0, ok.stderr);
  const report = JSON.parse(ok.stdout) as { pipeline: string; networks: { name: string; parameters: number; inputShapes: number[][] }[] };
  assert.equal(report.pipeline, 'forearm');
  assert.deepEqual(report.networks.map((n) => n.name).sort(), ['regressor', 'segmenter']);
  assert.ok(report.networks.every((n) => n.parameters > 100));
  const text = runCli(['inspect-model', dir], 60_000);
  assert.match(text.stdout, /trained on: sim\/cohort.csv, 4 cases \(SIMULATED\)/);

  const broken = (name: string, damage: (copy: string) => void): string => {
    const copy = join(tempDir(`model-${name}`), 'model');
    cpSync(dir, copy, { recursive: true });
    damage(copy);
    return copy;
  };
  const cases: { name: string; folder: string; args?: string[]; message: RegExp }[] = [
    {
      name: 'flipped weight byte',
      folder: broken('weights', (c) => {
        const path = join(c, 'networks', 'regressor', 'weights.bin');
        const bytes = readFileSync(path);
        bytes[10] = bytes[10]! ^ 0x40;
        writeFileSync(path, bytes);
      }),
      message: /networks\/regressor\/weights\.bin: network weights are damaged/,
    },
    {
      name: 'truncated model.json',
      folder: broken('description', (c) => writeFileSync(join(c, 'model.json'), readFileSync(join(c, 'model.json'), 'utf8').slice(0, 200))),
      message: /model\.json: model description is not readable JSON/,
    },
    {
      name: 'missing network',
      folder: broken('missing', (c) => rmSync(join(c, 'networks', 'segmenter'), { recursive: true })),
      message: /networks\/segmenter\/model\.json: network file is missing/,
    },
    {
      name: 'topology edited',
      folder: broken('topology', (c) => {
        const path = join(c, 'networks', 'regressor', 'model.json');
        writeFileSync(path, readFileSync(path, 'utf8').replace(/"filters":4/g, '"filters":5'));
      }),
      message: /networks\/regressor\/model\.json: TensorFlow\.js cannot rebuild this network/,
    },
    { name: 'other pipeline', folder: dir, args: ['--pipeline', 'ct-spine'], message: /model\.json: this model is for the forearm pipeline, not ct-spine/ },
    { name: 'not a model folder', folder: join(dir, 'networks'), message: /not an openbmd model folder/ },
    { name: 'no such folder', folder: join(dir, 'absent'), message: /model folder not found/ },
  ];
  for (const c of cases) {
    const run = runCli(['inspect-model', c.folder, ...(c.args ?? [])], 60_000);
    assert.equal(run.status, 2, `${c.name}: exit ${run.status}, stderr ${run.stderr}`);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${c.name}: one line, got ${run.stderr}`);
    assert.match(lines[0]!, c.message, c.name);
  }
});

test('networks of one architecture load onto one graph: the same predictions as each on its own; another architecture is refused naming its file', async () => {
  const tf = await nnBackend('wasm');
  const dir = tempDir('shared-graph');
  const random = new SeededRandom(4);
  const inputs = tf.tensor(
    Float32Array.from({ length: 2 * 256 }, () => random.nextNormal()),
    [2, 16, 16, 1],
  );
  // Three builds of one DenseNet (different seeds, so different weights and, in this process, different layer names), and a U-Net.
  const members = [2, 5, 9].map((seed) => buildNetwork(tf, { ...DENSENET, options: { ...DENSENET.options, seed } }));
  const expected = members.map((m) => Array.from((m.predict(inputs) as tfTypes.Tensor).dataSync()));
  assert.notDeepEqual(expected[0], expected[1]);
  const unet = buildNetwork(tf, UNET);
  const spec = (i: number): NetworkSpec => ({ ...DENSENET, options: { ...DENSENET.options, seed: [2, 5, 9][i]! } });
  await saveModelFolder(
    tf,
    dir,
    {
      name: 'ensemble',
      pipeline: 'lumbar',
      command: 'test',
      seed: 1,
      trainingData: { cohort: 'sim/cohort.csv', simulated: true, cases: 4 },
      parameters: {},
      metrics: {},
    },
    {
      first: { model: members[0]!, spec: spec(0), preprocessing: {} },
      second: { model: members[1]!, spec: spec(1), preprocessing: {} },
      third: { model: members[2]!, spec: spec(2), preprocessing: {} },
      other: { model: unet, spec: UNET, preprocessing: {} },
    },
  );
  const loaded = await loadModelFolder(tf, dir, {
    networks: { first: {}, second: { sharesGraphWith: 'first' }, third: { sharesGraphWith: 'first' } },
    onlyExpected: true,
  });
  assert.deepEqual(Object.keys(loaded.networks), ['first']);
  assert.deepEqual(Object.keys(loaded.weightsOnGraph).sort(), ['second', 'third']);
  const graph = loaded.networks['first']!;
  const own = graph.getWeights().map((w) => tf.clone(w));
  for (const [name, k] of [
    ['second', 1],
    ['third', 2],
    ['first', 0],
  ] as const) {
    graph.setWeights(name === 'first' ? own : loaded.weightsOnGraph[name]!);
    assert.deepEqual(Array.from((graph.predict(inputs) as tfTypes.Tensor).dataSync()), expected[k], name);
  }
  await assert.rejects(
    loadModelFolder(tf, dir, { networks: { first: {}, other: { sharesGraphWith: 'first' } }, onlyExpected: true }),
    (e: unknown) =>
      e instanceof OpenBmdError && e.code === 'BAD_MODEL' && /networks[/\\]other[/\\]model\.json/.test(e.message) && /not the architecture/.test(e.message),
  );
});
