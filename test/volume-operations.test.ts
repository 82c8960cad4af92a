// The 3-D volume operations the hip CT segmentation stands on, against closed forms and SciPy's
// ndimage (distance_transform_edt with anisotropic sampling, label, gaussian_filter).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { connectedComponents3D } from '../src/imaging/volume/connected-components-3d.js';
import { closeMm, distanceToMaskMm } from '../src/imaging/volume/distance-transform-3d.js';
import { fillSliceHoles } from '../src/imaging/volume/fill-slice-holes.js';
import { gaussianSmooth3D } from '../src/imaging/volume/gaussian-smooth-3d.js';
import { peelBelowHalfMaximum } from '../src/imaging/volume/peel-below-half-maximum.js';
import { sampleTrilinear } from '../src/imaging/volume/sample-trilinear.js';
import { seededFlood } from '../src/imaging/volume/seeded-flood.js';
import type { VolumeGrid } from '../src/imaging/volume/volume-grid.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';

const noScipy = announceSkip(pythonModulesMissing(['scipy.ndimage', 'numpy'], 'python3-scipy'));

/** Random blobs: a mask with several components, holes and touching parts. */
function blobMask(grid: VolumeGrid, seed: number, fill: number): Uint8Array {
  const random = new SeededRandom(seed);
  const [nx, ny, nz] = grid.size;
  const noise = new Float32Array(nx * ny * nz);
  for (let p = 0; p < noise.length; p++) noise[p] = random.nextNormal();
  const smooth = gaussianSmooth3D(grid, noise, 2.5);
  const sorted = Float32Array.from(smooth).sort();
  const level = sorted[Math.floor((1 - fill) * sorted.length)]!;
  return Uint8Array.from(smooth, (v) => (v >= level ? 1 : 0));
}

test('distance to a mask: exact from one voxel (anisotropic spacing) and equal to scipy distance_transform_edt on random blobs', { skip: noScipy }, () => {
  const grid: VolumeGrid = { size: [9, 7, 5], spacingMm: [0.7, 1.1, 2.5] };
  const one = new Uint8Array(9 * 7 * 5);
  one[4 + 9 * (3 + 7 * 2)] = 1;
  const d = distanceToMaskMm(grid, one);
  for (let k = 0; k < 5; k++)
    for (let j = 0; j < 7; j++)
      for (let i = 0; i < 9; i++) {
        const exact = Math.hypot((i - 4) * 0.7, (j - 3) * 1.1, (k - 2) * 2.5);
        assert.ok(Math.abs(d[i + 9 * (j + 7 * k)]! - exact) < 1e-5, `(${i},${j},${k})`);
      }
  const blobsGrid: VolumeGrid = { size: [30, 24, 16], spacingMm: [0.8, 1.2, 2] };
  const mask = blobMask(blobsGrid, 5, 0.2);
  const ours = distanceToMaskMm(blobsGrid, mask);
  const scipy = runPythonJson<number[]>(
    `
import sys, json, numpy as np
from scipy import ndimage
d = json.load(sys.stdin)
m = np.array(d["mask"], dtype=np.uint8).reshape(d["nz"], d["ny"], d["nx"])
e = ndimage.distance_transform_edt(m == 0, sampling=(d["sz"], d["sy"], d["sx"]))
print(json.dumps(e.ravel().tolist()))`,
    { mask: Array.from(mask), nx: 30, ny: 24, nz: 16, sx: 0.8, sy: 1.2, sz: 2 },
  );
  let worst = 0;
  for (let p = 0; p < ours.length; p++) worst = Math.max(worst, Math.abs(ours[p]! - scipy[p]!));
  assert.ok(worst < 1e-4, `largest difference ${worst} mm`);
});

test('face-connected components equal scipy ndimage.label (6-connectivity): count and sizes', { skip: noScipy }, () => {
  const grid: VolumeGrid = { size: [28, 22, 14], spacingMm: [1, 1, 1] };
  const mask = blobMask(grid, 9, 0.3);
  const ours = connectedComponents3D(grid, mask);
  const scipy = runPythonJson<{ count: number; sizes: number[] }>(
    `
import sys, json, numpy as np
from scipy import ndimage
d = json.load(sys.stdin)
m = np.array(d["mask"], dtype=np.uint8).reshape(d["nz"], d["ny"], d["nx"])
lab, n = ndimage.label(m)
sizes = np.bincount(lab.ravel())[1:]
print(json.dumps({"count": int(n), "sizes": sorted(int(s) for s in sizes)}))`,
    { mask: Array.from(mask), nx: 28, ny: 22, nz: 14 },
  );
  assert.ok(scipy.count >= 3, 'the test mask should have several components');
  assert.equal(ours.sizes.length, scipy.count);
  assert.deepEqual(
    [...ours.sizes].sort((a, b) => a - b),
    scipy.sizes,
  );
});

test('3-D Gaussian smoothing equals scipy gaussian_filter (nearest edges) within 1e-4, with per-axis sigma from the spacing', { skip: noScipy }, () => {
  const grid: VolumeGrid = { size: [20, 16, 12], spacingMm: [0.5, 1, 2] };
  const random = new SeededRandom(2);
  const values = Float32Array.from({ length: 20 * 16 * 12 }, () => random.nextNormal());
  const ours = gaussianSmooth3D(grid, values, 1.5);
  const scipy = runPythonJson<number[]>(
    `
import sys, json, numpy as np
from scipy import ndimage
d = json.load(sys.stdin)
v = np.array(d["v"], dtype=np.float64).reshape(12, 16, 20)
s = ndimage.gaussian_filter(v, sigma=(1.5 / 2, 1.5 / 1, 1.5 / 0.5), mode="nearest", truncate=3.0)
print(json.dumps(s.ravel().tolist()))`,
    { v: Array.from(values) },
  );
  let worst = 0;
  for (let p = 0; p < ours.length; p++) worst = Math.max(worst, Math.abs(ours[p]! - scipy[p]!));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
});

test('slice hole filling fills a closed ring and leaves an open one; closing bridges a gap narrower than twice the radius only', () => {
  const grid: VolumeGrid = { size: [21, 21, 3], spacingMm: [1, 1, 1] };
  const ring = new Uint8Array(21 * 21 * 3);
  for (let k = 0; k < 3; k++)
    for (let j = 0; j < 21; j++)
      for (let i = 0; i < 21; i++) {
        const r = Math.hypot(i - 10, j - 10);
        // Slice 2's ring is cut open on the right.
        if (r >= 6 && r < 8 && !(k === 2 && i > 15 && Math.abs(j - 10) <= 1)) ring[i + 21 * (j + 21 * k)] = 1;
      }
  const filled = fillSliceHoles(grid, ring);
  const centre = (k: number): number => filled[10 + 21 * (10 + 21 * k)]!;
  assert.equal(centre(0), 1);
  assert.equal(centre(1), 1);
  assert.equal(centre(2), 0, 'an open ring has no hole');
  // Two slabs 3 mm apart: a 2 mm closing joins them, a 1 mm one does not.
  const slabs: VolumeGrid = { size: [20, 6, 6], spacingMm: [1, 1, 1] };
  const two = new Uint8Array(20 * 6 * 6);
  for (let k = 0; k < 6; k++) for (let j = 0; j < 6; j++) for (let i = 0; i < 20; i++) if (i < 8 || i > 10) two[i + 20 * (j + 6 * k)] = 1;
  const gap = (m: Uint8Array): number => m[9 + 20 * (3 + 6 * 3)]!;
  assert.equal(gap(closeMm(slabs, two, 2)), 1);
  assert.equal(gap(closeMm(slabs, two, 1)), 0);
  assert.equal(
    closeMm(slabs, two, 2).reduce((s, v) => s + v, 0),
    20 * 6 * 6,
    'closing neither loses nor adds elsewhere',
  );
});

test('seeded flood: two fronts meet at the darkest point between them; unreachable voxels stay unlabelled', () => {
  // A 1-D profile: bright, a dip at 12, bright again, then a dark wall at 20 (not allowed) and an island.
  const n = 26;
  const grid: VolumeGrid = { size: [n, 1, 1], spacingMm: [1, 1, 1] };
  const height = Float32Array.from({ length: n }, (_, i) => 100 - 60 * Math.exp(-((i - 12) ** 2) / 4));
  const allowed = Uint8Array.from({ length: n }, (_, i) => (i === 20 ? 0 : 1));
  const labels = new Uint8Array(n);
  labels[2] = 1;
  labels[18] = 2;
  const flooded = seededFlood({ grid, labels, height, allowed, stepHeight: 1 });
  assert.deepEqual(Array.from(labels.slice(0, 12)), new Array(12).fill(1));
  assert.deepEqual(Array.from(labels.slice(13, 20)), new Array(7).fill(2));
  assert.ok(labels[12] === 1 || labels[12] === 2, 'the dip itself goes to one side');
  assert.deepEqual(Array.from(labels.slice(20)), new Array(6).fill(0), 'behind the wall nothing is reached');
  assert.equal(flooded, 18, 'all but the two seeds, the wall and the five voxels behind it');
});

test('half-maximum peel: a blurred bright cube loses its outer layer down to the half-maximum edge', () => {
  const grid: VolumeGrid = { size: [24, 24, 24], spacingMm: [1, 1, 1] };
  const values = new Float32Array(24 ** 3);
  for (let k = 0; k < 24; k++)
    for (let j = 0; j < 24; j++) for (let i = 0; i < 24; i++) if ([i, j, k].every((c) => c >= 7 && c <= 16)) values[i + 24 * (j + 24 * k)] = 1000;
  const blurred = gaussianSmooth3D(grid, values, 1.2);
  // A low threshold (10 % of the cortex) puts the surface a blur width out.
  const mask = Uint8Array.from(blurred, (v) => (v >= 100 ? 1 : 0));
  const before = mask.reduce((s, v) => s + v, 0);
  peelBelowHalfMaximum({ grid, mask, values: blurred, surroundValue: 0 });
  const after = mask.reduce((s, v) => s + v, 0);
  assert.ok(before > 1600, `threshold mask ${before} voxels, a layer more than the cube`);
  // The half-maximum edge of a 10-voxel cube is its own boundary: about 1000 voxels (edges and corners blur inward).
  assert.ok(Math.abs(after - 1000) < 120, `peeled mask ${after} voxels, the cube has 1000`);
});

test('trilinear sampling is exact for a linear field and clamps outside', () => {
  const grid: VolumeGrid = { size: [5, 4, 3], spacingMm: [2, 1, 3] };
  const values = new Float32Array(60);
  for (let k = 0; k < 3; k++) for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) values[i + 5 * (j + 4 * k)] = 2 * i * 2 - 3 * j + 0.5 * k * 3;
  assert.ok(Math.abs(sampleTrilinear(grid, values, [3.3, 1.7, 4.1]) - (2 * 3.3 - 3 * 1.7 + 0.5 * 4.1)) < 1e-5);
  assert.equal(sampleTrilinear(grid, values, [-10, -10, -10]), values[0]);
});
