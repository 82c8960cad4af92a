// Digitally reconstructed radiographs (src/physics/drr): exact ray sums in closed form, the
// geometry (magnification, orientation, direction matrices), the HU -> attenuation model, and
// plastimatch's `drr` (the radiotherapy reference) on the same volume and geometry, including the
// real CT of ../shared/realdata (a test fixture: nothing is fitted on it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Matrix3, Point3 } from '../src/core/geometry.js';
import type { Volume3D } from '../src/core/volume3d.js';
import { createVolume3D, volumeIndexToPointMm } from '../src/core/volume3d.js';
import { readNifti, writeNifti } from '../src/io/nifti.js';
import { readRasterImage } from '../src/io/raster-image.js';
import { ctAttenuationPerMm } from '../src/physics/drr/ct-attenuation.js';
import type { DrrGeometry } from '../src/physics/drr/drr-geometry.js';
import { drrRays } from '../src/physics/drr/drr-geometry.js';
import { drrVolume } from '../src/physics/drr/drr-volume.js';
import { renderDrr, renderDrrRows } from '../src/physics/drr/render-drr.js';
import { renderDrrParallel, sharedValues } from '../src/physics/drr/render-drr-parallel.js';
import { siddonRaySum } from '../src/physics/drr/siddon-ray-sum.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { runCli } from './helpers/cli.js';
import { shadowCentroid } from './helpers/shadow-centroid.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const REAL_CT = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/example_ct.nii.gz', import.meta.url));
const noPlastimatch = announceSkip(commandMissing('plastimatch', 'plastimatch'));
const noRealCt = announceSkip(existsSync(REAL_CT) ? undefined : `SKIPPED: ${REAL_CT} not found (the real CT of ../shared/realdata)`);

/** A 20 mm cube of ones (1 mm voxels) centred on the origin. */
function cube(direction?: Matrix3): Volume3D {
  const data = new Float32Array(20 * 20 * 20).fill(1);
  // Voxel centres at -9.5 ... 9.5 along each of the direction's axes.
  const flips = direction ?? [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const origin: Point3 = [-9.5 * (flips[0] + flips[1] + flips[2]), -9.5 * (flips[3] + flips[4] + flips[5]), -9.5 * (flips[6] + flips[7] + flips[8])];
  return createVolume3D({ data, size: [20, 20, 20], spacingMm: [1, 1, 1], originMm: origin, direction: flips, unit: 'raw' });
}

const AP: Omit<DrrGeometry, 'rows' | 'columns' | 'pixelMm'> = {
  sourceToIsocenterMm: 1000,
  sourceToDetectorMm: 1500,
  isocenterMm: [0, 0, 0],
  towardSource: [0, -1, 0],
  up: [0, 0, 1],
};

function render(volume: Volume3D, geometry: DrrGeometry, values?: Float32Array): Float32Array {
  return renderDrr({ volume: drrVolume({ volume, values: values ?? Float32Array.from(volume.data, Number) }), rays: drrRays(geometry) });
}

test('a ray sum through a cube is its chord length (closed form), whatever the direction matrix', () => {
  const geometry: DrrGeometry = { ...AP, rows: 5, columns: 5, pixelMm: [4, 4] };
  const straight = render(cube(), geometry);
  // The central ray crosses the 20 mm cube along y.
  assert.ok(Math.abs(straight[12]! - 20) < 2e-5, `central ray ${straight[12]}`);
  // An oblique ray (pixel row 0, column 4): it enters the front face and leaves the back face
  // (its x and z at y = +10 mm are 8 * 1010 / 1500 = 5.4 mm), so its chord is 20 |d| / |d_y|.
  const d = [8, 1500, 8];
  const chord = (20 * Math.hypot(d[0]!, d[1]!, d[2]!)) / d[1]!;
  // (The DRR is stored in float32: 1e-6 relative.)
  assert.ok(Math.abs(straight[4]! - chord) < 2e-5, `oblique ray ${straight[4]} vs ${chord}`);
  // The same cube stored with its i and j axes reversed (as DICOM CT often is, LPS) projects the same.
  const flipped = render(cube([-1, 0, 0, 0, -1, 0, 0, 0, 1]), geometry);
  for (let p = 0; p < straight.length; p++) assert.ok(Math.abs(flipped[p]! - straight[p]!) < 2e-5, `pixel ${p}`);
  // A ray that misses the volume sums nothing.
  const missed = render(cube(), { ...AP, isocenterMm: [100, 0, 0], rows: 1, columns: 1, pixelMm: [1, 1] });
  assert.equal(missed[0], 0);
});

/** The length of the segment from `a` to `b` inside the unit box at (i, j, k): slab clipping, voxel by voxel. */
function lengthInVoxel(a: Point3, b: Point3, voxel: Point3, spacingMm: readonly [number, number, number] = [1, 1, 1]): number {
  let [t0, t1] = [0, 1];
  for (let axis = 0; axis < 3; axis++) {
    const d = b[axis]! - a[axis]!;
    const [lo, hi] = [voxel[axis]!, voxel[axis]! + 1];
    if (d === 0) {
      if (a[axis]! < lo || a[axis]! >= hi) return 0;
      continue;
    }
    const [ta, tb] = [(lo - a[axis]!) / d, (hi - a[axis]!) / d];
    t0 = Math.max(t0, Math.min(ta, tb));
    t1 = Math.min(t1, Math.max(ta, tb));
  }
  return t1 > t0 ? (t1 - t0) * Math.hypot((b[0] - a[0]) * spacingMm[0], (b[1] - a[1]) * spacingMm[1], (b[2] - a[2]) * spacingMm[2]) : 0;
}

test('ray sums equal the value-weighted lengths of the ray in every voxel, for rays running along any axis and either way', () => {
  // Random values on a 9 x 7 x 8 grid; every voxel's chord found on its own (slab clipping), which
  // shares nothing with the incremental walk and its whole-voxel runs.
  const size = [9, 7, 8] as const;
  let state = 12345;
  const random = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const values = Float32Array.from({ length: size[0] * size[1] * size[2] }, () => random());
  let largestError = 0;
  for (let ray = 0; ray < 300; ray++) {
    // Endpoints outside or inside the grid; a third of the rays exactly parallel to one axis's planes.
    const from: Point3 = [random() * 15 - 3, random() * 13 - 3, random() * 14 - 3];
    const to: Point3 = [random() * 15 - 3, random() * 13 - 3, random() * 14 - 3];
    if (ray % 3 === 0) to[ray % 9 === 0 ? 0 : ray % 9 === 3 ? 1 : 2] = from[ray % 9 === 0 ? 0 : ray % 9 === 3 ? 1 : 2];
    // Every other ray on voxels of 0.5 x 2 x 3 mm: each chord's mm from its share of the segment.
    const spacingMm = ray % 2 === 0 ? ([1, 1, 1] as const) : ([0.5, 2, 3] as const);
    const grid = { values, size, spacingMm };
    let expected = 0;
    for (let k = 0; k < size[2]; k++)
      for (let j = 0; j < size[1]; j++)
        for (let i = 0; i < size[0]; i++) expected += values[i + size[0] * (j + size[1] * k)]! * lengthInVoxel(from, to, [i, j, k], spacingMm);
    const sum = siddonRaySum(grid, from, to);
    largestError = Math.max(largestError, Math.abs(sum - expected));
  }
  assert.ok(largestError < 1e-9, `largest difference ${largestError}`);
});

test('a voxel projects where the magnification puts it: patient left to the right, head up, as seen from the source', () => {
  const data = new Float32Array(41 * 41 * 41);
  // One voxel at x = +12 mm (patient left), y = +5 mm (posterior), z = +8 mm (head).
  data[32 + 41 * (25 + 41 * 28)] = 1;
  const volume = createVolume3D({ data, size: [41, 41, 41], spacingMm: [1, 1, 1], originMm: [-20, -20, -20], unit: 'raw' });
  const geometry: DrrGeometry = { ...AP, rows: 101, columns: 101, pixelMm: [0.5, 0.5] };
  const drr = render(volume, geometry);
  // The centroid of the voxel's shadow (1 mm, 3 pixels at this magnification; sampled at pixel centres, so within 0.25 px).
  const [row, column] = shadowCentroid(drr, 101);
  // Magnification at y = +5 mm: 1500 / 1005.
  const magnification = 1500 / 1005;
  assert.ok(Math.abs(column - (50 + (12 * magnification) / 0.5)) < 0.25, `column ${column}`);
  assert.ok(Math.abs(row - (50 - (8 * magnification) / 0.5)) < 0.25, `row ${row}`);
});

test('HU -> attenuation: air 0, water its NIST mu, linear across 0 HU when the beam has the CT energy, bone brighter at lower energy', () => {
  const catalog = loadMaterialCatalog();
  const waterPerMm = catalog.get('water').massAttenuation(50) / 10;
  const mu = ctAttenuationPerMm({ catalog, beamKeV: 50, ctKeV: 70 });
  assert.equal(mu(-1000), 0);
  assert.equal(mu(-1200), 0);
  assert.ok(Math.abs(mu(0) - waterPerMm) < 1e-12);
  assert.ok(Math.abs(mu(-500) - waterPerMm / 2) < 1e-12);
  // At the CT's own energy the model is the CT's definition of HU: mu = mu_water (1 + HU / 1000).
  const same = ctAttenuationPerMm({ catalog, beamKeV: 70, ctKeV: 70 });
  const water70 = catalog.get('water').massAttenuation(70) / 10;
  for (const hu of [200, 1000, 1800]) assert.ok(Math.abs(same(hu) - water70 * (1 + hu / 1000)) < 1e-12, `${hu} HU`);
  // At 50 keV, 1000 HU of bone attenuates more than twice water (photoelectric effect of calcium).
  assert.ok(mu(1000) / mu(0) > 2.2, `${mu(1000) / mu(0)}`);
});

function readPfm(file: string): { width: number; height: number; data: Float32Array } {
  const bytes = readFileSync(file);
  let at = 0;
  const header: string[] = [];
  for (let n = 0; n < 3; n++) {
    const end = bytes.indexOf(10, at);
    header.push(bytes.subarray(at, end).toString());
    at = end + 1;
  }
  const [width, height] = header[1]!.trim().split(/\s+/).map(Number) as [number, number];
  assert.ok(Number(header[2]) < 0, 'little-endian PFM');
  return { width, height, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + width * height * 4)) };
}

/** plastimatch drr on a volume of attenuation values (-P none), in openbmd's units (its line integrals are per cm). */
function plastimatchDrr(o: { volumeFile: string; dir: string; g: DrrGeometry }): Float32Array {
  const { g } = o;
  // plastimatch's -r and -z list the detector's columns first.
  execFileSync(
    'plastimatch',
    [
      'drr',
      '-I',
      o.volumeFile,
      '-O',
      join(o.dir, 'pl-'),
      '-t',
      'pfm',
      '-r',
      `${g.columns} ${g.rows}`,
      '-z',
      `${g.columns * g.pixelMm[1]} ${g.rows * g.pixelMm[0]}`,
      '--sad',
      String(g.sourceToIsocenterMm),
      '--sid',
      String(g.sourceToDetectorMm),
      '-n',
      g.towardSource.join(' '),
      '--vup',
      g.up.join(' '),
      '-o',
      g.isocenterMm.join(' '),
      '-P',
      'none',
      '-i',
      'exact',
    ],
    { stdio: 'ignore' },
  );
  const pfm = readPfm(join(o.dir, 'pl-0000.pfm'));
  assert.equal(pfm.width, g.columns);
  assert.equal(pfm.height, g.rows);
  return Float32Array.from(pfm.data, (v) => v * 10);
}

function compare(ours: Float32Array, reference: Float32Array): { worst: number; compared: number } {
  let max = 0;
  for (const v of reference) max = Math.max(max, v);
  let worst = 0;
  let compared = 0;
  for (let p = 0; p < ours.length; p++) {
    if (reference[p]! < 0.05 * max) continue;
    compared++;
    worst = Math.max(worst, Math.abs(ours[p]! - reference[p]!) / reference[p]!);
  }
  return { worst, compared };
}

/**
 * plastimatch bounds a volume at its outer voxel centres, openbmd at the outer voxel faces (a voxel
 * is the box around its centre); a layer of zeros around the volume makes the two conventions meet,
 * so what is compared is the ray casting and the geometry.
 */
function paddedWithZeros(v: Volume3D, values: Float32Array): Volume3D {
  const [nx, ny, nz] = v.size;
  const [mx, my, mz] = [nx + 2, ny + 2, nz + 2];
  const data = new Float32Array(mx * my * mz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[i + 1 + mx * (j + 1 + my * (k + 1))] = values[i + nx * (j + ny * k)]!;
  return createVolume3D({
    data,
    size: [mx, my, mz],
    spacingMm: v.spacingMm,
    originMm: volumeIndexToPointMm(v, -1, -1, -1),
    direction: v.direction,
    unit: 'raw',
  });
}

test('the same DRR as plastimatch drr on an oblique, non-square detector through an anisotropic phantom', { skip: noPlastimatch }, async () => {
  const dir = tempDir('drr-plastimatch-');
  const size: [number, number, number] = [64, 48, 40];
  const spacing: [number, number, number] = [1.5, 2, 2.5];
  const origin: Point3 = [-40, -30, -50];
  const data = new Float32Array(size[0] * size[1] * size[2]);
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++) {
        const [x, y, z] = [origin[0] + i * spacing[0], origin[1] + j * spacing[1], origin[2] + k * spacing[2]];
        let v = ((x - 5) / 38) ** 2 + ((y + 2) / 20) ** 2 + ((z + 3) / 40) ** 2 < 1 ? 0.02 : 0;
        if ((x - 15) ** 2 + (y - 4) ** 2 + (z - 20) ** 2 < 64) v = 0.06;
        data[i + size[0] * (j + size[1] * k)] = v;
      }
  const volume = createVolume3D({ data, size, spacingMm: spacing, originMm: origin, unit: 'raw' });
  const volumeFile = join(dir, 'phantom.nii.gz');
  await writeNifti(volumeFile, volume);
  const g: DrrGeometry = {
    sourceToIsocenterMm: 1000,
    sourceToDetectorMm: 1500,
    isocenterMm: [3, -2, 5],
    towardSource: [0.3, 1, 0.2],
    up: [0, 0, 1],
    rows: 70,
    columns: 50,
    pixelMm: [3, 4],
  };
  const { worst, compared } = compare(render(await readNifti(volumeFile), g), plastimatchDrr({ volumeFile, dir, g }));
  assert.ok(compared > 500, `${compared} pixels compared`);
  assert.ok(worst < 1e-4, `largest relative difference ${worst}`);
});

test('the same DRR as plastimatch drr through the real CT (attenuation at 50 keV, AP, 256 x 256)', { skip: noPlastimatch ?? noRealCt }, async () => {
  const dir = tempDir('drr-real-');
  const ct = await readNifti(REAL_CT, { unit: 'HU' });
  const mu = ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: 50, ctKeV: 70 });
  const padded = paddedWithZeros(
    ct,
    Float32Array.from(ct.data, (hu) => mu(Number(hu))),
  );
  // plastimatch reads the volume as stored; this CT's axes are reversed in i and j (LPS), so the
  // file handed to both is the same padded volume written with an identity direction.
  const [mx, my, mz] = padded.size;
  const identity = new Float32Array(padded.data.length);
  for (let k = 0; k < mz; k++)
    for (let j = 0; j < my; j++) for (let i = 0; i < mx; i++) identity[i + mx * (j + my * k)] = Number(padded.data[mx - 1 - i + mx * (my - 1 - j + my * k)]);
  const volumeFile = join(dir, 'ct-mu.nii.gz');
  await writeNifti(
    volumeFile,
    createVolume3D({ data: identity, size: padded.size, spacingMm: padded.spacingMm, originMm: volumeIndexToPointMm(padded, mx - 1, my - 1, 0), unit: 'raw' }),
  );
  const centre = volumeIndexToPointMm(ct, (ct.size[0] - 1) / 2, (ct.size[1] - 1) / 2, (ct.size[2] - 1) / 2);
  const g: DrrGeometry = { ...AP, isocenterMm: centre, rows: 256, columns: 256, pixelMm: [1.7, 1.7] };
  const reference = plastimatchDrr({ volumeFile, dir, g });
  // openbmd through the CLI, on the padded volume as its reader gives it (direction kept).
  const paddedFile = join(dir, 'ct-mu-lps.nii.gz');
  await writeNifti(paddedFile, padded);
  const out = join(dir, 'out');
  const run = runCli(
    ['drr', paddedFile, '--out', out, '--values', 'none', '--detector', '256,256', '--pixel-mm', '1.7,1.7', '--isocenter', centre.join(',')],
    120_000,
  );
  assert.equal(run.status, 0, run.stderr);
  const ours = (await readNifti(join(out, 'drr.nii.gz'))).data as Float32Array;
  const { worst, compared } = compare(ours, reference);
  assert.ok(compared > 0.8 * 256 * 256, `${compared} pixels compared`);
  assert.ok(worst < 1e-4, `largest relative difference ${worst}`);
  // The patient is there: the largest line integral (through the pelvis and the hip prosthesis) is that of many cm of water.
  let max = 0;
  for (const v of ours) max = Math.max(max, v);
  assert.ok(max > 5, `largest line integral ${max}`);
});

test('drr refuses what it cannot project, naming the file (exit 2)', async () => {
  const dir = tempDir('drr-errors-');
  const missing = runCli(['drr', join(dir, 'none.nii.gz'), '--out', join(dir, 'o')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /none\.nii\.gz: no such file or folder/);
  const volumeFile = join(dir, 'cube.nii.gz');
  await writeNifti(volumeFile, cube());
  const maskFile = join(dir, 'mask.nii.gz');
  await writeNifti(maskFile, createVolume3D({ data: new Uint8Array(8), size: [2, 2, 2], spacingMm: [1, 1, 1], unit: 'label' }));
  const mismatch = runCli(['drr', volumeFile, '--out', join(dir, 'o'), '--mask', maskFile]);
  assert.equal(mismatch.status, 2);
  assert.match(mismatch.stderr, /mask\.nii\.gz: the mask is 2 x 2 x 2 voxels, the volume 20 x 20 x 20/);
  const behind = runCli(['drr', volumeFile, '--out', join(dir, 'o'), '--sad', '1500', '--sid', '1000']);
  assert.equal(behind.status, 2);
  const parallel = runCli(['drr', volumeFile, '--out', join(dir, 'o'), '--up', '0,-1,0']);
  assert.equal(parallel.status, 2);
  assert.match(parallel.stderr, /parallel to the beam/);
  // A mask keeps only its voxels: the anterior half of the cube, half the central ray.
  const half = new Uint8Array(20 * 20 * 20);
  for (let p = 0; p < half.length; p++) half[p] = Math.floor(p / 20) % 20 < 10 ? 1 : 0;
  await writeNifti(maskFile, createVolume3D({ data: half, size: [20, 20, 20], spacingMm: [1, 1, 1], originMm: [-9.5, -9.5, -9.5], unit: 'label' }));
  const masked = runCli(['drr', volumeFile, '--out', join(dir, 'm'), '--values', 'none', '--mask', maskFile, '--detector', '1,1', '--pixel-mm', '1,1']);
  assert.equal(masked.status, 0, masked.stderr);
  const value = ((await readNifti(join(dir, 'm', 'drr.nii.gz'))).data as Float32Array)[0]!;
  assert.ok(Math.abs(value - 10) < 1e-6, `masked central ray ${value}`);
});

test('worker threads give the same DRR as one thread', async () => {
  const volume = cube();
  const values = sharedValues(volume.data.length);
  values.set(Float32Array.from(volume.data, Number));
  const rays = drrRays({ ...AP, rows: 37, columns: 29, pixelMm: [1, 1] });
  const one = renderDrr({ volume: drrVolume({ volume, values }), rays });
  const three = await renderDrrParallel({ volume, values, rays, threads: 3 });
  assert.deepEqual(Array.from(three), Array.from(one));
  // A thread casts only the rows it is handed, into their places: rows 5-8 and 20 here, the rest untouched.
  const bands: (readonly [number, number])[] = [
    [5, 9],
    [20, 21],
  ];
  const out = new Float32Array(37 * 29).fill(-1);
  renderDrrRows({ volume: drrVolume({ volume, values }), rays, out, nextRows: () => bands.shift() });
  for (let r = 0; r < 37; r++) {
    const row = Array.from(out.subarray(r * 29, (r + 1) * 29));
    if ((r >= 5 && r < 9) || r === 20) assert.deepEqual(row, Array.from(one.subarray(r * 29, (r + 1) * 29)), `row ${r}`);
    else
      assert.ok(
        row.every((v) => v === -1),
        `row ${r} was cast`,
      );
  }
});

test('drr converts float HU alike whether whole or not, and drr.png spans the 1st to 99.5th percentile of the line integrals', async () => {
  const dir = tempDir('drr-float-');
  // A 40 mm block of graded HU: whole values (the look-up) and quarter values (the model) side by side.
  const n = 40;
  const data = new Float32Array(n * n * n);
  for (let p = 0; p < data.length; p++) {
    const [i, j, k] = [p % n, Math.floor(p / n) % n, Math.floor(p / (n * n))];
    data[p] = -900 + 37 * i + 11 * j + 29 * k + (i % 2 === 0 ? 0 : 0.25);
  }
  const volume = createVolume3D({ data, size: [n, n, n], spacingMm: [1, 1, 1], originMm: [-19.5, -19.5, -19.5], unit: 'HU' });
  const file = join(dir, 'graded.nii.gz');
  await writeNifti(file, volume);
  const run = runCli(['drr', file, '--out', join(dir, 'o'), '--detector', '48,64', '--pixel-mm', '1.2,1.2', '--ct-kev', '70', '--beam-kev', '50']);
  assert.equal(run.status, 0, run.stderr);
  const ours = (await readNifti(join(dir, 'o', 'drr.nii.gz'))).data as Float32Array;
  const perMm = ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: 50, ctKeV: 70 });
  const reference = render(volume, { ...AP, rows: 48, columns: 64, pixelMm: [1.2, 1.2] }, Float32Array.from(data, perMm));
  let worst = 0;
  for (let p = 0; p < reference.length; p++) worst = Math.max(worst, Math.abs(ours[p]! - reference[p]!) / Math.max(1e-6, reference[p]!));
  assert.ok(worst < 1e-5, `largest relative difference ${worst}`);
  // The picture: about 1 % of the projected pixels black and 0.5 % white (a histogram, not a sort, finds the percentiles).
  const png = await readRasterImage(join(dir, 'o', 'drr.png'), { spacingMm: [1, 1] });
  let [projected, black, white] = [0, 0, 0];
  for (let p = 0; p < reference.length; p++) {
    if (!(reference[p]! > 0)) continue;
    projected++;
    if (png.data[p] === 0) black++;
    if (png.data[p] === 255) white++;
  }
  assert.ok(projected > 1000, `${projected} projected pixels`);
  assert.ok(black / projected > 0.004 && black / projected < 0.02, `black ${black} of ${projected}`);
  assert.ok(white / projected > 0.002 && white / projected < 0.012, `white ${white} of ${projected}`);
});
