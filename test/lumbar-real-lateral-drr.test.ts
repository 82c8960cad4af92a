// The lateral lumbar locator on real bone shapes: a lateral projection (parallel beam, left lateral
// as the simulator's: anterior on the image's left, the top of the volume first) through the real CT
// of ../shared/realdata, made here as test/lumbar-real-drr.test.ts makes the AP one. The reference
// masks hold the whole vertebra (body and posterior elements), whose centroid lies behind the body's
// centre on a lateral view, so the check is the level: each L1-L4 box centre within 10 mm of its
// vertebra's projected centroid vertically, and inside the vertebra's projected extent horizontally.
// The real CT is a test fixture only: nothing is trained, tuned or fitted on it.
//
// First run 2026-12-07, with the shipped locators: the lateral locator fails here (L1 not found,
// L2-L4 boxes 37-51 mm above their vertebrae: a level high, each box on the vertebra above), where
// the AP locator passes on the AP projection of the same CT at 50 keV. A todo: the lateral locator
// (trained on seed 700's early simulated images) is what issue 21's locator work must replace, and
// this check gates a new one as the AP check gates the AP locator.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createImage2D } from '../src/core/image2d.js';
import type { Volume3D } from '../src/core/volume3d.js';
import { readNifti } from '../src/io/nifti.js';
import { DEFAULT_CT_EFFECTIVE_KEV, ctAttenuationPerMm } from '../src/physics/drr/ct-attenuation.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
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
 * Left-lateral parallel projection of a canonical volume (+x patient left, +y posterior, +z
 * superior): column = y (anterior first), row = top of the volume first; each pixel the line
 * integral of mu (per mm) over x at a lateral beam's effective energy.
 */
function lateralProjection(v: Volume3D, energyKeV: number): { data: Float32Array; columns: number; rows: number } {
  const mu = ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: energyKeV, ctKeV: DEFAULT_CT_EFFECTIVE_KEV });
  const [nx, ny, nz] = v.size;
  const data = new Float32Array(ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[(nz - 1 - k) * ny + j]! += mu(Number(v.data[(k * ny + j) * nx + i])) * v.spacingMm[0];
  return { data, columns: ny, rows: nz };
}

/** A reference vertebra on the lateral projection: its centroid's row and its column extent. */
async function projectedVertebra(name: string): Promise<{ row: number; columns: [number, number] }> {
  const file = join(REAL, 'reference-masks', `${name}.nii.gz`);
  const mask = canonicalVolume(await readNifti(file), file);
  const [nx, ny, nz] = mask.size;
  let [sz, n, low, high] = [0, 0, Infinity, -Infinity];
  for (let p = 0; p < mask.data.length; p++) {
    if (Number(mask.data[p]) < 0.5) continue;
    const j = Math.floor(p / nx) % ny;
    sz += nz - 1 - Math.floor(p / (nx * ny));
    low = Math.min(low, j);
    high = Math.max(high, j);
    n++;
  }
  return { row: sz / n, columns: [low, high] };
}

test(
  'real CT, left-lateral projection at 60 keV: the shipped lateral locator puts L1-L4 at their vertebrae (rows within 10 mm, inside the vertebra)',
  { skip, todo: 'issue 21: the shipped lateral locator misses L1 and puts L2-L4 a level high on this real lateral projection' },
  async () => {
    const volume = canonicalVolume(await readNifti(CT), CT);
    const drr = lateralProjection(volume, 60);
    const pixelMm = volume.spacingMm[1];
    assert.equal(volume.spacingMm[2], pixelMm);
    const image = createImage2D({ data: drr.data, size: [drr.columns, drr.rows], spacingMm: [pixelMm, pixelMm], unit: 'raw' });
    const tf = await nnBackend('wasm');
    const model = await loadLumbarModel(tf, MODEL_DIR);
    const location = locateLumbarLevels(tf, model.locators.lat, image, 'lat');
    const found: string[] = [];
    const problems: string[] = [];
    for (const level of ['L1', 'L2', 'L3', 'L4'] as const) {
      const roi = location.rois.find((r) => r.level === level);
      if (roi === undefined) {
        problems.push(`${level} not found`);
        continue;
      }
      const reference = await projectedVertebra(`vertebrae_${level}`);
      const rowMm = ((roi.y0 + roi.y1) / 2 - reference.row) * pixelMm;
      const column = (roi.x0 + roi.x1) / 2;
      found.push(`${level} ${rowMm.toFixed(1)} mm, column ${column.toFixed(0)} in ${reference.columns.join('-')}`);
      if (Math.abs(rowMm) > 10) problems.push(`${level} ${rowMm.toFixed(1)} mm from its vertebra vertically`);
      if (column < reference.columns[0] || column > reference.columns[1]) problems.push(`${level} centre outside its vertebra horizontally`);
    }
    console.log(`  lateral: ${found.join('; ')}; check: ${location.check.notes.join('; ') || 'plausible'}`);
    assert.deepEqual(problems, [], `${problems.join('; ')} (${location.check.notes.join('; ')})`);
  },
);
