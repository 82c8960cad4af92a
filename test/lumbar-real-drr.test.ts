// The lumbar locator on real bone shapes: an AP projection (a parallel-beam DRR) through the real CT
// of ../shared/realdata (TotalSegmentator's public abdomen-pelvis case, 120 kVp, 3 mm), made here.
// Issue 21's check: the L1-L4 boxes the shipped AP locator finds fall on the reference vertebrae,
// each box centre within 10 mm of its projected mask's centroid, in order. The real CT is a test
// fixture only: nothing is trained, tuned or fitted on it.
//
// The projection is that of a radiograph's beam, not the CT's: each voxel's HU is read as water
// plus hydroxyapatite at the CT's effective energy (about 70 keV at 120 kVp), and its attenuation
// taken at a lumbar AP beam's effective energy behind the patient (about 50 keV for 75-90 kVp), from
// the NIST tables of data/physics; bone stands out more than on the CT. The first version projected
// 1 + HU / 1000 (a CT's contrast, bowel gas dominating): the locator then missed L1 and put L2-L4
// about 65 mm high (2026-12-05). At 50 keV the check passes; at 60 keV (a harder beam) the lowest
// body over the sacrum is lost and the count from below labels every level one too high: that one
// is reported as a todo, the labelling's known weakness. The count from the last rib (2026-12-06)
// finds no pair of ribs on either projection (3 mm pixels, the field starting at T11), so it
// leaves both counts as they were; its first version, which filled outside the image with black,
// took the field's upper edge for ribs at 50 keV and moved every name a level down (fixed: the
// ridge is not read within 3 sigma of the image's edge).
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
import { checkForImplants } from '../src/pipelines/lumbar/implant-check.js';
import type { ImplantCheck } from '../src/pipelines/lumbar/implant-check.js';
import { locateLumbarLevels } from '../src/pipelines/lumbar/locate-lumbar-levels.js';
import { loadLumbarModel } from '../src/pipelines/lumbar/lumbar-model.js';
import { announceSkip } from './helpers/reference-tools.js';

const REAL = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/', import.meta.url));
const CT = join(REAL, 'example_ct.nii.gz');
const MODEL_DIR = fileURLToPath(new URL('../../models/lumbar/', import.meta.url));
const skip = announceSkip(existsSync(CT) ? undefined : `SKIPPED: ${CT} not found (the real CT of ../shared/realdata)`);

const CT_EFFECTIVE_KEV = DEFAULT_CT_EFFECTIVE_KEV;

/**
 * AP parallel projection of a canonical volume (+x patient left, +y posterior, +z superior) at a
 * radiograph's effective energy: column = x, row = top of the volume first; each pixel the line
 * integral of mu (per mm) over y, mu from the HU by src/physics/drr/ct-attenuation.ts (water diluted
 * by air at or below 0 HU, water plus hydroxyapatite above).
 */
function apProjection(v: Volume3D, energyKeV: number): { data: Float32Array; columns: number; rows: number } {
  const mu = ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: energyKeV, ctKeV: CT_EFFECTIVE_KEV });
  const [nx, ny, nz] = v.size;
  const data = new Float32Array(nx * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[(nz - 1 - k) * nx + i]! += mu(Number(v.data[(k * ny + j) * nx + i])) * v.spacingMm[1];
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

/** Where the shipped AP locator puts L1-L4 on the projection at this energy, against the reference masks. */
async function locateOnProjection(
  energyKeV: number,
): Promise<{ distancesMm: Partial<Record<string, number>>; notes: string[]; inOrder: boolean; implants: ImplantCheck }> {
  const volume = canonicalVolume(await readNifti(CT), CT);
  const drr = apProjection(volume, energyKeV);
  const pixelMm = volume.spacingMm[0];
  assert.equal(volume.spacingMm[2], pixelMm);
  const image = createImage2D({ data: drr.data, size: [drr.columns, drr.rows], spacingMm: [pixelMm, pixelMm], unit: 'raw' });
  const tf = await nnBackend('wasm');
  const model = await loadLumbarModel(tf, MODEL_DIR);
  const location = locateLumbarLevels(tf, model.locators.ap, image, 'ap');
  const distancesMm: Partial<Record<string, number>> = {};
  for (const level of ['L1', 'L2', 'L3', 'L4'] as const) {
    const roi = location.rois.find((r) => r.level === level);
    if (roi === undefined) continue;
    const [cx, cy] = await projectedCentroid(`vertebrae_${level}`);
    distancesMm[level] = Math.hypot((roi.x0 + roi.x1) / 2 - cx, (roi.y0 + roi.y1) / 2 - cy) * pixelMm;
  }
  const implants = checkForImplants({ image, bodies: location.bodies });
  return { distancesMm, notes: location.check.notes, inOrder: !location.check.problems.includes('levels-out-of-order'), implants };
}

function assertOnReference(r: Awaited<ReturnType<typeof locateOnProjection>>): void {
  const found = Object.entries(r.distancesMm).map(([l, d]) => `${l} ${d!.toFixed(1)} mm`);
  console.log(`  box centre to reference centroid: ${found.join(', ')}`);
  for (const level of ['L1', 'L2', 'L3', 'L4']) {
    const d = r.distancesMm[level];
    assert.ok(d !== undefined, `${level} not found (${r.notes.join('; ')})`);
    assert.ok(d <= 10, `${level}: box centre ${d.toFixed(1)} mm from the reference centroid (${found.join(', ')})`);
  }
  assert.ok(r.inOrder, r.notes.join('; '));
}

let at50keV: ReturnType<typeof locateOnProjection> | undefined;

test('real CT, AP projection at 50 keV: the shipped AP locator puts L1-L4 on the reference vertebrae (centres within 10 mm, in order)', { skip }, async () => {
  at50keV ??= locateOnProjection(50);
  assertOnReference(await at50keV);
});

// Found 2026-12-07, when this check was first run on the projection: the bright sign (a region 0.4
// of the bodies' contrast above their median) calls about 1,800 mm2 of this spine metal, present
// before that day's near-top sign (18 mm2 here, under its 110). Not tuned on this image: a todo.
test(
  'real CT, AP projection at 50 keV: the implant check calls none of this spine metal (todo: the bright sign does)',
  { skip, todo: 'issue 21: the bright sign refuses this real spine projection (largest bright region about 1,800 mm2); not tuned on the real CT' },
  async () => {
    at50keV ??= locateOnProjection(50);
    const { implants } = await at50keV;
    console.log(`  implant check: ${JSON.stringify(implants)}`);
    assert.equal(implants.assessed, true);
    assert.equal(implants.suspected, false, JSON.stringify(implants));
  },
);

test(
  'real CT, AP projection at 60 keV: the same (todo: the lowest body is lost and the count from below is one level off)',
  { skip, todo: 'issue 21: counting from below shifts when L5 is not found, and the count from the last rib finds no pair of ribs on this 3 mm projection' },
  async () => {
    assertOnReference(await locateOnProjection(60));
  },
);
