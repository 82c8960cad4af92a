// The CT pipeline on a real CT (TotalSegmentator's public abdomen-pelvis test case, 3 mm, with a
// metal hip prosthesis; ../shared/realdata/totalseg-example-ct): a test fixture only, never used to
// train, tune or fit anything. Issue 19's acceptance check is the last test: L1 and L2 found (by
// the anatomical count, the networks finding none) inside their reference masks, segmented inside
// them, and measured.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Volume3D } from '../src/core/volume3d.js';
import { internalCalibration, internalCalibrationMgPerCm3 } from '../src/calibration/phantomless/internal-calibration.js';
import { readNifti } from '../src/io/nifti.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { canonicalVolume, readCtSpineNifti } from '../src/pipelines/ct-spine/ct-spine-series.js';
import { resultEnvelopeSchema } from '../src/report/result-envelope.js';
import { runCli } from './helpers/cli.js';
import { erodeMask } from './helpers/mask-erosion.js';
import { announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';
import { loadClinicalKnowledge } from '../src/clinical/clinical-knowledge.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { analyzeCtSpine } from '../src/pipelines/ct-spine/analyze-ct-spine.js';
import { loadCtSpineModel } from '../src/pipelines/ct-spine/ct-spine-model.js';

const REAL = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/', import.meta.url));
const CT = join(REAL, 'example_ct.nii.gz');
const skip = announceSkip(existsSync(CT) ? undefined : `SKIPPED: ${CT} not found (the real CT of ../shared/realdata)`);
const out = tempDir('real-ct-');
const MODEL_DIR = fileURLToPath(new URL('../../models/ct-spine/', import.meta.url));

/** Centroid of a reference mask on the canonical grid, in index-mm (as result.json's centreMm). */
async function maskCentroidMm(name: string): Promise<[number, number, number]> {
  const file = join(REAL, 'reference-masks', `${name}.nii.gz`);
  const mask: Volume3D = canonicalVolume(await readNifti(file), file);
  const [nx, ny] = mask.size;
  let [sx, sy, sz, count] = [0, 0, 0, 0];
  for (let p = 0; p < mask.data.length; p++) {
    if (Number(mask.data[p]) < 0.5) continue;
    sx += p % nx;
    sy += Math.floor(p / nx) % ny;
    sz += Math.floor(p / (nx * ny));
    count++;
  }
  assert.ok(count > 0, `${name} is empty`);
  const [dx, dy, dz] = mask.spacingMm;
  return [(sx / count) * dx, (sy / count) * dy, (sz / count) * dz];
}

test('the real CT reads as a NIfTI volume in the canonical frame: L1 above L5, the left femur at +x, the prosthesis in the left hip', { skip }, async () => {
  const series = await readCtSpineNifti(CT);
  assert.deepEqual(series.volume.size, [122, 101, 112]);
  assert.deepEqual(series.volume.spacingMm, [3, 3, 3]);
  assert.ok(series.qcFlags.includes('no-dicom-metadata'));
  const l1 = await maskCentroidMm('vertebrae_L1');
  const l5 = await maskCentroidMm('vertebrae_L5');
  const leftFemur = await maskCentroidMm('femur_left');
  const rightFemur = await maskCentroidMm('femur_right');
  // Canonical: +x patient left, +y posterior, +z superior.
  assert.ok(l1[2] - l5[2] > 80, `L1 ${l1[2].toFixed(0)} mm, L5 ${l5[2].toFixed(0)} mm along +z`);
  assert.ok(leftFemur[0] - rightFemur[0] > 100, `left femur x ${leftFemur[0].toFixed(0)}, right ${rightFemur[0].toFixed(0)}`);
  // The vertebral bodies lie posterior to the body's centre, the femora anterior to the spine.
  assert.ok(l1[1] > leftFemur[1], `L1 y ${l1[1].toFixed(0)}, femur y ${leftFemur[1].toFixed(0)}`);
  // Metal (> 2500 HU) sits near the left femur's head, none near the right.
  const metalNear = (c: [number, number, number]): number => {
    const v = series.volume;
    const [nx, ny] = v.size;
    let metal = 0;
    for (let p = 0; p < v.data.length; p++) {
      if (Number(v.data[p]) < 2500) continue;
      const at = [p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny))].map((i, a) => i * v.spacingMm[a]!);
      if (Math.hypot(at[0]! - c[0], at[1]! - c[1], at[2]! - c[2]) < 120) metal++;
    }
    return metal;
  };
  const left = metalNear(leftFemur);
  const right = metalNear(rightFemur);
  assert.ok(left > 50 && left > 5 * right, `metal voxels near the left femur ${left}, the right ${right}`);
});

test(
  'the phantomless calibration on the real CT (physics it does not model): a 120 kVp energy, a calibrated scanner, L1 and L2 in 40-250 mg/cm3',
  { skip },
  async () => {
    const series = await readCtSpineNifti(CT);
    const v = series.volume;
    const catalog = await loadMaterialCatalog();
    // The slices of L1-L2 and their trabecular cores from the reference masks (checking only: the
    // pipeline finds its own slices; nothing here is tuned).
    const cores: Uint8Array[] = [];
    let [zLow, zHigh] = [Infinity, -Infinity];
    for (const level of ['L1', 'L2']) {
      const file = join(REAL, 'reference-masks', `vertebrae_${level}.nii.gz`);
      const mask = canonicalVolume(await readNifti(file), file);
      const binary = Uint8Array.from({ length: mask.data.length }, (_, p) => (Number(mask.data[p]) >= 0.5 ? 1 : 0));
      cores.push(erodeMask(binary, v, 6));
      binary.forEach((b, p) => {
        if (b === 0) return;
        const k = Math.floor(p / (v.size[0] * v.size[1]));
        zLow = Math.min(zLow, k);
        zHigh = Math.max(zHigh, k);
      });
    }
    const margin = Math.round(25 / v.spacingMm[2]);
    const result = internalCalibration({ catalog, volume: v, sliceRange: [Math.max(0, zLow - margin), Math.min(v.size[2] - 1, zHigh + margin)] });
    assert.ok(result.ok, result.ok ? '' : result.problem);
    const c = result.calibration;
    const levels = cores.map((core) => {
      let sum = 0;
      let n = 0;
      core.forEach((b, p) => {
        if (b === 0) return;
        sum += Number(v.data[p]);
        n++;
      });
      return internalCalibrationMgPerCm3(c, sum / n);
    });
    console.log(
      `real CT: air ${c.airHu.toFixed(0)}, fat ${c.fatHu.toFixed(1)}, muscle ${c.muscleHu.toFixed(1)} HU -> ${c.effectiveEnergyKeV.toFixed(1)} keV, scale ${c.scale.toFixed(3)}, offset ${c.offsetHu.toFixed(1)} HU, ${c.slopeHuPerMg.toFixed(2)} HU per mg/cm3; L1 ${levels[0]!.toFixed(0)}, L2 ${levels[1]!.toFixed(0)} mg/cm3 (before recalibration)${c.atypical === null ? '' : `; atypical: ${c.atypical}`}`,
    );
    // 120 kVp behind an adult abdomen: an effective energy well inside 55-85 keV; an accredited scanner's water.
    assert.ok(c.effectiveEnergyKeV > 55 && c.effectiveEnergyKeV < 85, `${c.effectiveEnergyKeV.toFixed(1)} keV`);
    assert.ok(Math.abs(c.offsetHu) < 7 && Math.abs(c.scale - 1) < 0.03);
    for (const mg of levels) assert.ok(mg > 40 && mg < 250, `${mg.toFixed(0)} mg/cm3`);
  },
);

test('analyze on the real CT: the site is found, the refusal is in words and names the file, result.json validates', { skip }, () => {
  const r = runCli(['analyze', CT, '--out', out], 300_000);
  console.log(`real CT: exit ${r.status}; ${r.stderr.trim().split('\n').pop()}`);
  assert.match(r.stderr, /site ct-spine \(the only pipeline for a NIfTI volume\)/);
  const envelope = resultEnvelopeSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
  assert.equal(envelope.pipeline, 'ct-spine');
  assert.equal(envelope.simulatedInput, false);
  assert.ok(envelope.qcFlags.some((f) => f.flag === 'no-dicom-metadata' && !f.refusesNumber));
  // The anatomical count ran beside the network and says what it found.
  const details = envelope.details as { anatomicalCount: { summary: string } };
  assert.match(details.anatomicalCount.summary, /anatomical count: \d+ discs/);
  if (r.status === 2) {
    assert.ok(r.stderr.trim().split('\n').pop()!.includes(CT));
    assert.notEqual(envelope.refusal, null);
  } else assert.equal(r.status, 0, r.stderr);
});

test(
  'issue 19: on the real CT, L1 and L2 are found inside their reference masks, within 10 mm craniocaudally of their centroids, segmented inside them, measured in 40-250 mg/cm3 with the scanner flag',
  { skip },
  async () => {
    const tf = await nnBackend('wasm');
    const model = await loadCtSpineModel(tf, MODEL_DIR);
    const series = await readCtSpineNifti(CT);
    const analysis = analyzeCtSpine(tf, { model, catalog: model.catalog, series, phantom: undefined, who: {}, knowledge: loadClinicalKnowledge() });
    const v = series.volume;
    for (const name of ['L1', 'L2'] as const) {
      const level = analysis.measurement.levels.find((l) => l.level === name)!;
      const centre = level.located.centreMm;
      assert.ok(level.located.found && centre !== null, `${name} not found`);
      const file = join(REAL, 'reference-masks', `vertebrae_${name}.nii.gz`);
      const mask = canonicalVolume(await readNifti(file), file);
      const at = centre.map((c, a) => Math.round(c / v.spacingMm[a]!)) as [number, number, number];
      assert.ok(
        Number(mask.data[at[0] + v.size[0] * (at[1] + v.size[1] * at[2])]) >= 0.5,
        `${name}: centre (${centre.map((c) => c.toFixed(0)).join(', ')}) mm outside its mask`,
      );
      const truth = await maskCentroidMm(`vertebrae_${name}`);
      assert.ok(Math.abs(centre[2] - truth[2]) < 10, `${name}: ${centre[2].toFixed(1)} vs ${truth[2].toFixed(1)} mm`);
      // The cancellous segmentation lies inside the reference vertebra.
      const offsets = level.segmentation?.region.offsets ?? [];
      const inside = offsets.filter((o) => Number(mask.data[o]) >= 0.5).length;
      console.log(
        `real CT ${name}: centre z ${centre[2].toFixed(1)} mm (mask centroid ${truth[2].toFixed(1)}), ${offsets.length} voxels segmented, ${inside} inside the mask`,
      );
      assert.ok(offsets.length > 300 && inside >= 0.95 * offsets.length, `${name}: ${inside} of ${offsets.length} segmented voxels inside the mask`);
      const mg = analysis.levelVbmd[name].phantomless;
      assert.ok(mg !== null && mg > 40 && mg < 250, `${name}: ${mg} mg/cm3`);
    }
    assert.ok(analysis.vbmd !== null && analysis.vbmd.mgPerCm3 > 40 && analysis.vbmd.mgPerCm3 < 250);
    const blur = analysis.measurement.edgeBlur;
    console.log(
      `real CT: vBMD ${analysis.vbmd.mgPerCm3.toFixed(1)} mg/cm3 (${analysis.vbmd.method}); edge blur ${blur?.sigmaMm.toFixed(2) ?? '-'} mm, cancellous erosion ${analysis.measurement.erosionSteps} voxel(s)`,
    );
    // Not validated for this scanner: the flag says so.
    assert.ok(analysis.flags.includes('scanner-not-in-training'), analysis.flags.join(', '));
    assert.ok(analysis.flags.includes('levels-from-anatomy'), analysis.flags.join(', '));
  },
);
