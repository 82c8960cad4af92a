// The shipped hip model folder loads with the input channels model.json records, and a folder
// whose model.json disagrees with its networks is refused as BAD_MODEL naming the file.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OpenBmdError } from '../src/core/errors.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { disposeHipModel, loadHipModel } from '../src/pipelines/hip/model/hip-model.js';
import { networkInputChannels } from '../src/pipelines/hip/radiograph/hip-network-input.js';

const MODEL_DIR = fileURLToPath(new URL('../../models/hip/', import.meta.url));

/** A copy of the shipped folder with model.json's parameters changed by `edit`. */
function editedCopy(edit: (parameters: { field: Record<string, unknown>; regression?: unknown }) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'openbmd-hip-model-'));
  cpSync(MODEL_DIR, dir, { recursive: true });
  const file = join(dir, 'model.json');
  const description = JSON.parse(readFileSync(file, 'utf8')) as { parameters: { field: Record<string, unknown>; regression?: unknown } };
  edit(description.parameters);
  writeFileSync(file, JSON.stringify(description));
  return dir;
}

/** BAD_MODEL naming a file of the folder (model.json, or the network's own description where its shape is what disagrees). */
function isBadModelIn(dir: string): (thrown: unknown) => boolean {
  return (thrown: unknown) => thrown instanceof OpenBmdError && thrown.code === 'BAD_MODEL' && (thrown.file ?? '').startsWith(dir);
}

test('the shipped hip model reads the channels model.json records, in both networks', async () => {
  const tf = await nnBackend('wasm');
  const model = await loadHipModel(tf, MODEL_DIR);
  try {
    const channels = model.parameters.field.inputChannels;
    assert.ok(channels === 1 || channels === 2);
    assert.equal(networkInputChannels(model.generator), channels);
    assert.ok(model.regression !== undefined, 'the shipped model has stage three');
    assert.equal(model.regression.networks.length, model.regression.parameters.members);
    for (const network of model.regression.networks) assert.equal(networkInputChannels(network), channels);
  } finally {
    disposeHipModel(model);
  }
});

test('model.json naming other channels than the networks read, or none it knows, is BAD_MODEL naming a file of the folder', async () => {
  const tf = await nnBackend('wasm');
  const shipped = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8')) as { parameters: { field: { inputChannels?: number } } };
  const other = (shipped.parameters.field.inputChannels ?? 1) === 2 ? 1 : 2;
  for (const channels of [other, 3]) {
    const dir = editedCopy((p) => void (p.field['inputChannels'] = channels));
    try {
      await assert.rejects(loadHipModel(tf, dir), isBadModelIn(dir), `inputChannels ${channels}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const dir = editedCopy((p) => void delete p.regression);
  try {
    await assert.rejects(loadHipModel(tf, dir), isBadModelIn(dir), 'a regression network without its parameters');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // An ensemble's member that the folder does not hold.
  const shippedMembers = (shipped as { parameters: { regression?: { members?: number } } }).parameters.regression?.members ?? 1;
  const missing = editedCopy((p) => void ((p.regression as { members: number }).members = shippedMembers + 1));
  try {
    await assert.rejects(loadHipModel(tf, missing), isBadModelIn(missing), 'stage three naming more networks than the folder holds');
  } finally {
    rmSync(missing, { recursive: true, force: true });
  }
});
