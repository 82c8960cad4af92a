// The lumbar locator on real bone shapes: an AP projection (a parallel-beam DRR, line integrals of
// attenuation) through the real CT of ../shared/realdata (TotalSegmentator's public abdomen-pelvis
// case, 3 mm), made here. Issue 21's check: the L1-L4 boxes the shipped AP locator finds fall on the
// reference vertebrae, each box centre within 10 mm of its projected mask's centroid, in order.
// The real CT is a test fixture only: nothing is trained, tuned or fitted on it.
//
// Not met yet, so the check runs as a todo (it reports, it does not fail the suite): on this DRR the
// shipped locator, trained on the simulator's radiographs, finds no L1 and puts L2-L4 about 65 mm too
// high (2026-12-05). The projection is a plain line integral of (1 + HU / 1000), bowel gas dominates
// it and its bone contrast is a CT's, not a radiograph's; the simulator's trunk has neither.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createImage2D } from '../src/core/image2d.js';
import type { Volume3D } from '../src/core/volume3d.js';
import { readNifti } from '../src/io/nifti.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { canonicalVolume } from '../src/pipelines/ct-spine/ct-spine-series.js';
import { locateLumbarLevels } from '../src/pipelines/lumbar/locate-lumbar-levels.js';
import { loadLumbarModel } from '../src/pipelines/lumbar/lumbar-model.js';
import { announceSkip } from './helpers/reference-tools.js';

const REAL = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/', import.meta.url));
const CT = join(REAL, 'example_ct.nii.gz');
const MODEL_DIR = fileURLToPath(new URL('../../models/lumbar/', import.meta.url));
const skip = announceSkip(existsSync(CT) ? undefined : `SKIPPED: ${CT} not found (the real CT of ../shared/realdata)`);

/**
 * AP parallel projection of a canonical volume (+x patient left, +y posterior, +z superior):
 * column = x, row = top of the volume first; each pixel the sum over y of (1 + HU / 1000), the
 * attenuation relative to water, times the step (mm). Air is 0, bone brightest.
 */
function apProjection(v: Volume3D): { data: Float32Array; columns: number; rows: number } {
  const [nx, ny, nz] = v.size;
  const data = new Float32Array(nx * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) data[(nz - 1 - k) * nx + i]! += Math.max(0, 1 + Number(v.data[(k * ny + j) * nx + i]) / 1000) * v.spacingMm[1];
  return { data, columns: nx, rows: nz };
}

/** A reference mask's centroid in the projection's pixels (column, row). */
async function projectedCentroid(name: string): Promise<[number, number]> {
  const file = join(REAL, 'reference-masks', `${name}.nii.gz`);
  const mask = canonicalVolume(await readNifti(file), file);
  const [nx, ny, nz] = mask.size;
  let [sx, sz, n] = [0, 0, 0];
  for (let p = 0; p < mask.data.length; p++) {
    if (Number(mask.data[p]) < 0.5) continue;
    sx += p % nx;
    sz += nz - 1 - Math.floor(p / (nx * ny));
    n++;
  }
  return [sx / n, sz / n];
}

const todo = 'issue 21: the shipped locator does not yet find L1-L4 on a real AP projection (L1 missed, L2-L4 about 65 mm off, 2026-12-05)';

test('real CT, AP projection: the shipped AP locator puts L1-L4 on the reference vertebrae (centres within 10 mm, in order)', { skip, todo }, async () => {
  const volume = canonicalVolume(await readNifti(CT), CT);
  const drr = apProjection(volume);
  const pixelMm = volume.spacingMm[0];
  assert.equal(volume.spacingMm[2], pixelMm);
  const image = createImage2D({ data: drr.data, size: [drr.columns, drr.rows], spacingMm: [pixelMm, pixelMm], unit: 'raw' });
  const tf = await nnBackend('wasm');
  const model = await loadLumbarModel(tf, MODEL_DIR);
  const location = locateLumbarLevels(tf, model.locators.ap, image, 'ap');
  const found: string[] = [];
  for (const level of ['L1', 'L2', 'L3', 'L4'] as const) {
    const roi = location.rois.find((r) => r.level === level);
    assert.ok(roi !== undefined, `${level} not found (${location.check.notes.join('; ')})`);
    const [cx, cy] = await projectedCentroid(`vertebrae_${level}`);
    const distanceMm = Math.hypot((roi.x0 + roi.x1) / 2 - cx, (roi.y0 + roi.y1) / 2 - cy) * pixelMm;
    found.push(`${level} ${distanceMm.toFixed(1)} mm`);
    assert.ok(distanceMm <= 10, `${level}: box centre ${distanceMm.toFixed(1)} mm from the reference centroid (${found.join(', ')})`);
  }
  assert.ok(!location.check.problems.includes('levels-out-of-order'), location.check.notes.join('; '));
});
