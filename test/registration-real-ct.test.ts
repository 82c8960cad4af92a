// 2D-3D registration on real anatomy: the real CT of ../shared/realdata (a test fixture; nothing is
// fitted on it) moved by a known rigid pose and projected as a radiograph would be (log-domain
// line integrals through a power law, with noise), then registered back from the unmoved pose by
// gradient correlation and CMA-ES. The error is the mean projection distance (mPD) of the reference
// masks' centroids (L1, L3, L5, both femora and both hip bones) between the true and the found pose.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Point3, Vector3 } from '../src/core/geometry.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { volumeIndexToPointMm } from '../src/core/volume3d.js';
import { readNifti } from '../src/io/nifti.js';
import { ctAttenuationPerMm } from '../src/physics/drr/ct-attenuation.js';
import type { DrrGeometry } from '../src/physics/drr/drr-geometry.js';
import { drrRays } from '../src/physics/drr/drr-geometry.js';
import { drrVolume } from '../src/physics/drr/drr-volume.js';
import { renderDrr } from '../src/physics/drr/render-drr.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { registerCtToRadiograph } from '../src/registration/register-ct-to-radiograph.js';
import type { RigidPose } from '../src/registration/rigid-pose.js';
import { movePoint, projectPoint, raysSeeingPose } from '../src/registration/rigid-pose.js';
import { announceSkip } from './helpers/reference-tools.js';

const REAL = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/', import.meta.url));
const skip = announceSkip(existsSync(join(REAL, 'example_ct.nii.gz')) ? undefined : `SKIPPED: ${REAL} not found (the real CT of ../shared/realdata)`);

async function maskCentroid(name: string): Promise<Point3> {
  const mask = await readNifti(join(REAL, 'reference-masks', `${name}.nii.gz`));
  const [nx, ny] = mask.size;
  const sum: Vector3 = [0, 0, 0];
  let count = 0;
  for (let p = 0; p < mask.data.length; p++) {
    if (Number(mask.data[p]) < 0.5) continue;
    const q = volumeIndexToPointMm(mask, p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny)));
    sum[0] += q[0];
    sum[1] += q[1];
    sum[2] += q[2];
    count++;
  }
  return [sum[0] / count, sum[1] / count, sum[2] / count];
}

test('the real CT registers to its own radiograph at a known pose: mean projection distance under 1 mm', { skip }, async () => {
  const ct = await readNifti(join(REAL, 'example_ct.nii.gz'), { unit: 'HU' });
  const mu = ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: 50, ctKeV: 70 });
  const volume = drrVolume({ volume: ct, values: Float32Array.from(ct.data, (hu) => mu(Number(hu))) });
  const centre = volumeIndexToPointMm(ct, (ct.size[0] - 1) / 2, (ct.size[1] - 1) / 2, (ct.size[2] - 1) / 2);
  const geometry: DrrGeometry = {
    sourceToIsocenterMm: 1000,
    sourceToDetectorMm: 1500,
    isocenterMm: centre,
    towardSource: [0, -1, 0],
    up: [0, 0, 1],
    rows: 256,
    columns: 256,
    pixelMm: [1.6, 1.6],
  };
  const rays = drrRays(geometry);
  const truth: RigidPose = { rotationDeg: [4, -3, 5], translationMm: [6, -4, 8] };
  const random = new SeededRandom(5);
  const lineIntegrals = renderDrr({ volume, rays: raysSeeingPose(rays, truth, centre) });
  const radiograph = Float32Array.from(lineIntegrals, (l) => l ** 0.8 + 0.02 * random.nextNormal());

  const found = registerCtToRadiograph({ volume, geometry, radiograph: { data: radiograph, rows: 256, columns: 256 }, centreMm: centre, seed: 1 });
  assert.ok(found.gradientCorrelation > 0.9, `gradient correlation ${found.gradientCorrelation}`);
  found.pose.rotationDeg.forEach((d, i) => assert.ok(Math.abs(d - truth.rotationDeg[i]!) < 0.5, `rotation ${i}: ${d} vs ${truth.rotationDeg[i]}`));
  // In the detector's plane (x and z for an AP view) the translation is well determined; along the beam only through magnification.
  for (const i of [0, 2]) assert.ok(Math.abs(found.pose.translationMm[i]! - truth.translationMm[i]!) < 1, `translation ${i}: ${found.pose.translationMm[i]}`);
  let total = 0;
  const names = ['vertebrae_L1', 'vertebrae_L3', 'vertebrae_L5', 'femur_left', 'femur_right', 'hip_left', 'hip_right'];
  for (const name of names) {
    const point = await maskCentroid(name);
    const a = projectPoint(rays, movePoint(truth, centre, point));
    const b = projectPoint(rays, movePoint(found.pose, centre, point));
    total += Math.hypot((a[0] - b[0]) * geometry.pixelMm[0], (a[1] - b[1]) * geometry.pixelMm[1]);
  }
  const meanProjectionDistanceMm = total / names.length;
  assert.ok(meanProjectionDistanceMm < 1, `mPD ${meanProjectionDistanceMm.toFixed(2)} mm at the detector`);
});
