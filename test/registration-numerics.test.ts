// The numerics of 2D-3D registration: rigid poses applied to the rays, gradient correlation (against OpenCV's Sobel and numpy's
// correlation), the symmetric eigendecomposition (against numpy's eigh) and CMA-ES on functions
// whose minima are known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Point3 } from '../src/core/geometry.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { createVolume3D } from '../src/core/volume3d.js';
import { drrRays } from '../src/physics/drr/drr-geometry.js';
import { drrVolume } from '../src/physics/drr/drr-volume.js';
import { renderDrr } from '../src/physics/drr/render-drr.js';
import { minimizeCmaEs } from '../src/registration/cma-es.js';
import type { GreyImage } from '../src/registration/gradient-correlation.js';
import { gradientCorrelation, sobelGradients } from '../src/registration/gradient-correlation.js';
import type { RigidPose } from '../src/registration/rigid-pose.js';
import { IDENTITY_POSE, movePoint, poseRotation, projectPoint, raysSeeingPose } from '../src/registration/rigid-pose.js';
import { symmetricEigen } from '../src/registration/symmetric-eigen.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';
import { shadowCentroid } from './helpers/shadow-centroid.js';

const noOpenCv = announceSkip(pythonModulesMissing(['cv2', 'numpy'], 'python3-opencv'));

function blobs(seed: number, rows: number, columns: number): GreyImage {
  const random = new SeededRandom(seed);
  const data = new Float32Array(rows * columns);
  for (let b = 0; b < 6; b++) {
    const [r0, c0, radius, height] = [random.nextFloat() * rows, random.nextFloat() * columns, 3 + 6 * random.nextFloat(), random.nextNormal()];
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < columns; c++) data[r * columns + c]! += height * Math.exp(-((r - r0) ** 2 + (c - c0) ** 2) / (2 * radius * radius));
  }
  for (let p = 0; p < data.length; p++) data[p]! += 0.05 * random.nextNormal();
  return { data, rows, columns };
}

test(
  'gradient correlation: 1 for the image itself whatever its gain and offset, -1 inverted, and OpenCV Sobel + numpy corrcoef agree',
  { skip: noOpenCv },
  () => {
    const a = blobs(3, 40, 56);
    const b = blobs(4, 40, 56);
    const scaled = { ...a, data: Float32Array.from(a.data, (v) => 3.5 * v - 20) };
    const inverted = { ...a, data: Float32Array.from(a.data, (v) => -v) };
    assert.ok(Math.abs(gradientCorrelation({ fixed: a, moving: scaled }) - 1) < 1e-6);
    assert.ok(Math.abs(gradientCorrelation({ fixed: a, moving: inverted }) + 1) < 1e-6);
    const ours = gradientCorrelation({ fixed: a, moving: b });
    const reference = runPythonJson<{ gc: number; gx: number[] }>(
      `
import sys, json, numpy as np, cv2
d = json.load(sys.stdin)
a = np.array(d["a"], dtype=np.float32).reshape(d["rows"], d["columns"])
b = np.array(d["b"], dtype=np.float32).reshape(d["rows"], d["columns"])
def grads(x):
    return (cv2.Sobel(x, cv2.CV_64F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE),
            cv2.Sobel(x, cv2.CV_64F, 0, 1, ksize=3, borderType=cv2.BORDER_REPLICATE))
ax, ay = grads(a); bx, by = grads(b)
gc = (np.corrcoef(ax.ravel(), bx.ravel())[0, 1] + np.corrcoef(ay.ravel(), by.ravel())[0, 1]) / 2
print(json.dumps({"gc": float(gc), "gx": ax.ravel().tolist()}))`,
      { a: Array.from(a.data), b: Array.from(b.data), rows: a.rows, columns: a.columns },
    );
    assert.ok(Math.abs(ours - reference.gc) < 1e-5, `openbmd ${ours} vs OpenCV/numpy ${reference.gc}`);
    const gx = sobelGradients(a).x;
    for (let p = 0; p < gx.length; p += 37) assert.ok(Math.abs(gx[p]! - reference.gx[p]!) < 1e-4, `Sobel x at ${p}`);
    assert.throws(() => gradientCorrelation({ fixed: a, moving: blobs(1, 10, 10) }), /one size/);
  },
);

test('symmetric eigendecomposition: A = V diag(w) V^T with orthonormal V, and numpy eigh agrees', { skip: noOpenCv }, () => {
  const random = new SeededRandom(12);
  const m = Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => random.nextNormal()));
  const a = m.map((row, i) => row.map((_, j) => m.reduce((s, r) => s + r[i]! * r[j]!, 0)));
  const { values, vectors } = symmetricEigen(a);
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++) {
      const back = values.reduce((s, w, k) => s + vectors[i]![k]! * w * vectors[j]![k]!, 0);
      assert.ok(Math.abs(back - a[i]![j]!) < 1e-9, `A[${i}][${j}]`);
      const dotted = vectors.reduce((s, row) => s + row[i]! * row[j]!, 0);
      assert.ok(Math.abs(dotted - (i === j ? 1 : 0)) < 1e-12, `V^T V [${i}][${j}]`);
    }
  const reference = runPythonJson<number[]>(`import sys, json, numpy as np; print(json.dumps(np.linalg.eigh(np.array(json.load(sys.stdin)))[0].tolist()))`, a);
  const sorted = [...values].sort((x, y) => x - y);
  reference.forEach((w, k) => assert.ok(Math.abs(w - sorted[k]!) < 1e-9 * Math.max(1, Math.abs(w)), `eigenvalue ${k}: ${sorted[k]} vs ${w}`));
});

test('CMA-ES finds the known minima of the sphere, a rotated ill-conditioned ellipsoid and Rosenbrock', () => {
  const sphereSearch = {
    objective: (x: readonly number[]) => x.reduce((s, v) => s + (v - 1) ** 2, 0),
    start: [0, 0, 0, 0, 0, 0],
    sigma: 0.5,
    seed: 1,
    maxEvaluations: 20_000,
  };
  const sphere = minimizeCmaEs(sphereSearch);
  assert.ok(sphere.value < 1e-10, `sphere ${sphere.value}`);
  sphere.x.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-5));
  // Condition number 1e4 along axes rotated by 30 degrees in each plane pair: only a learned covariance solves it quickly.
  const rotate = (x: readonly number[]): number[] => {
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    return [c * x[0]! - s * x[1]!, s * x[0]! + c * x[1]!, c * x[2]! - s * x[3]!, s * x[2]! + c * x[3]!];
  };
  const ellipsoid = minimizeCmaEs({
    objective: (x) => rotate(x).reduce((s, v, i) => s + 10 ** ((4 * i) / 3) * v * v, 0),
    start: [1, 1, 1, 1],
    sigma: 0.5,
    seed: 2,
    maxEvaluations: 20_000,
  });
  assert.ok(ellipsoid.value < 1e-10, `ellipsoid ${ellipsoid.value} after ${ellipsoid.evaluations}`);
  const rosenbrock = minimizeCmaEs({
    objective: (x) => x.slice(0, -1).reduce((s, v, i) => s + 100 * (x[i + 1]! - v * v) ** 2 + (1 - v) ** 2, 0),
    start: [0, 0, 0, 0],
    sigma: 0.3,
    seed: 3,
    maxEvaluations: 40_000,
  });
  assert.ok(rosenbrock.value < 1e-8, `Rosenbrock ${rosenbrock.value} after ${rosenbrock.evaluations}`);
  rosenbrock.x.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-3));
  // Seeded: the same search twice.
  const again = minimizeCmaEs(sphereSearch);
  assert.deepEqual(again.x, sphere.x);
  assert.equal(again.evaluations, sphere.evaluations);
});

test('a pose moves what the DRR shows to where the pose moves the point (rays moved instead of the volume)', () => {
  const size = 41;
  const data = new Float32Array(size ** 3);
  // One voxel at (+6, -4, +10) mm.
  data[26 + size * (16 + size * 30)] = 1;
  const volume = createVolume3D({ data, size: [size, size, size], spacingMm: [1, 1, 1], originMm: [-20, -20, -20], unit: 'raw' });
  const rays = drrRays({
    sourceToIsocenterMm: 800,
    sourceToDetectorMm: 1200,
    isocenterMm: [0, 0, 0],
    towardSource: [0.2, -1, 0.1],
    up: [0, 0, 1],
    rows: 121,
    columns: 121,
    pixelMm: [0.5, 0.5],
  });
  const pose: RigidPose = { rotationDeg: [10, -7, 15], translationMm: [3, 2, -4] };
  const centre: Point3 = [1, -2, 3];
  const drr = renderDrr({ volume: drrVolume({ volume, values: data }), rays: raysSeeingPose(rays, pose, centre) });
  const [shadowRow, shadowColumn] = shadowCentroid(drr, 121);
  const [row, column] = projectPoint(rays, movePoint(pose, centre, [6, -4, 10]));
  assert.ok(Math.abs(shadowRow - row) < 0.3 && Math.abs(shadowColumn - column) < 0.3, `shadow at ${shadowRow}, ${shadowColumn}; projected ${row}, ${column}`);
  // The identity pose leaves the rays as they were; R is orthonormal.
  const r = poseRotation(pose);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const dotted = r[i]! * r[j]! + r[3 + i]! * r[3 + j]! + r[6 + i]! * r[6 + j]!;
      assert.ok(Math.abs(dotted - (i === j ? 1 : 0)) < 1e-12);
    }
  assert.deepEqual(raysSeeingPose(rays, IDENTITY_POSE, centre).sourceMm, rays.sourceMm);
});
