// A lumbar model loaded for one study (analyze) holds only the variant that study reads, and reads
// it exactly as the whole model does: the same estimates, flags and notes, for an AP + lateral
// study and for an AP-only one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadClinicalKnowledge } from '../src/clinical/index.js';
import type { Image2D } from '../src/core/image2d.js';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import type { LumbarAnalysis } from '../src/pipelines/lumbar/analyze-lumbar.js';
import { analyzeLumbar } from '../src/pipelines/lumbar/analyze-lumbar.js';
import { readLumbarCohort } from '../src/pipelines/lumbar/lumbar-cohort.js';
import type { LumbarModel } from '../src/pipelines/lumbar/lumbar-model.js';
import { disposeLumbarModel, loadLumbarModel } from '../src/pipelines/lumbar/lumbar-model.js';
import type { LumbarView } from '../src/pipelines/lumbar/lumbar-networks.js';
import { lumbarRadiograph } from '../src/pipelines/lumbar/lumbar-radiograph.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

test('models/lumbar loaded for one study: only the variant it reads, and the same reading as the whole model', async () => {
  const root = tempDir('lumbar-for-study-');
  const simulated = runCli(['simulate', 'lumbar', '--n', '1', '--seed', '95', '--vendors', 'vendor-a', '--out', root], 300_000);
  assert.equal(simulated.status, 0, simulated.stderr);
  const c = readLumbarCohort(join(root, 'cohort.csv')).cases[0]!;
  const tf = await nnBackend('wasm');
  const images: Record<LumbarView, Image2D> = {
    ap: lumbarRadiograph(await readDicomFile(c.image), 'ap'),
    lat: lumbarRadiograph(await readDicomFile(c.imageLat!), 'lat'),
  };
  const person = { sex: c.sex, ageYears: c.ageYears, heightCm: c.heightCm, weightKg: c.weightKg };
  const knowledge = loadClinicalKnowledge();
  const read = (model: LumbarModel, views: readonly LumbarView[]): LumbarAnalysis =>
    analyzeLumbar(tf, {
      model,
      images: Object.fromEntries(views.map((v) => [v, images[v]])),
      files: Object.fromEntries(views.map((v) => [v, v === 'ap' ? c.image : c.imageLat!])),
      person,
      knowledge,
    });
  const whole = await loadLumbarModel(tf, 'models/lumbar');
  try {
    assert.deepEqual(
      whole.bmd.map((b) => b.variant),
      ['ap+lat', 'ap'],
    );
    for (const views of [['ap', 'lat'], ['ap']] as const) {
      const inputs = views.map((v) => (v === 'ap' ? c.image : c.imageLat!));
      const forStudy = await loadLumbarModel(tf, 'models/lumbar', { inputs, phantom: undefined });
      try {
        const variant = views.length === 2 ? 'ap+lat' : 'ap';
        assert.deepEqual(
          forStudy.bmd.map((b) => b.variant),
          [variant],
        );
        assert.equal(forStudy.bmd[0]!.memberWeights.length, whole.bmd.find((b) => b.variant === variant)!.memberWeights.length);
        const expected = read(whole, views);
        const got = read(forStudy, views);
        assert.ok(expected.prediction !== undefined && got.prediction !== undefined, expected.notes.join('; '));
        assert.equal(got.prediction.lumbarAbmdGPerCm2, expected.prediction.lumbarAbmdGPerCm2);
        assert.equal(got.prediction.femneckAbmdGPerCm2, expected.prediction.femneckAbmdGPerCm2);
        assert.deepEqual([...got.flags].sort(), [...expected.flags].sort());
        assert.deepEqual(got.notes, expected.notes);
        assert.equal(got.flags.includes('ap-only-variant'), views.length === 1);
      } finally {
        disposeLumbarModel(forStudy);
      }
    }
  } finally {
    disposeLumbarModel(whole);
  }
});
