// The segmentation's map from the network's 1 mm crop grid to the series' voxels, against closed
// forms: a ball of probability becomes a region of the ball's volume on fine voxels, and on coarse
// (3 mm) voxels only voxels wholly inside the ball, none straddling its surface.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CropGrid } from '../src/imaging/volume-crop.js';
import { probabilityToRegion } from '../src/pipelines/ct-spine/segment-cancellous.js';

const RADIUS_MM = 12;
const CENTRE_MM: [number, number, number] = [30.3, 29.6, 30.2];
const GRID: CropGrid = { centreMm: CENTRE_MM, size: [20, 48, 48], spacingMm: [2, 1, 1] };

/** The probability of a ball of RADIUS_MM on the grid, falling from 1 to 0 over 1 mm at its surface. */
function ballProbability(): Float32Array {
  const [dz, dy, dx] = GRID.size;
  const out = new Float32Array(dz * dy * dx);
  for (let z = 0; z < dz; z++)
    for (let y = 0; y < dy; y++)
      for (let x = 0; x < dx; x++) {
        const r = Math.hypot((x - (dx - 1) / 2) * 1, (y - (dy - 1) / 2) * 1, (z - (dz - 1) / 2) * 2);
        out[(z * dy + y) * dx + x] = Math.min(1, Math.max(0, RADIUS_MM + 0.5 - r));
      }
  return out;
}

function regionOf(spacingMm: [number, number, number]): { volumeMm3: number; farthestCornerMm: number } {
  const size = spacingMm.map((s) => Math.ceil(60 / s)) as [number, number, number];
  const region = probabilityToRegion({ size, spacingMm }, GRID, ballProbability());
  let farthest = 0;
  for (const o of region.offsets) {
    const index = [o % size[0], Math.floor(o / size[0]) % size[1], Math.floor(o / (size[0] * size[1]))];
    // The voxel's farthest corner from the ball's centre.
    const d = Math.hypot(...index.map((i, a) => Math.abs(i * spacingMm[a]! - CENTRE_MM[a]!) + spacingMm[a]! / 2));
    farthest = Math.max(farthest, d);
  }
  return { volumeMm3: region.offsets.length * spacingMm[0] * spacingMm[1] * spacingMm[2], farthestCornerMm: farthest };
}

test('fine voxels (0.7 x 0.7 x 1.25 mm): the region holds the ball, its volume within 3 %', () => {
  const ball = (4 / 3) * Math.PI * RADIUS_MM ** 3;
  const { volumeMm3 } = regionOf([0.7, 0.7, 1.25]);
  assert.ok(Math.abs(volumeMm3 / ball - 1) < 0.03, `${volumeMm3.toFixed(0)} mm3 against ${ball.toFixed(0)}`);
});

test('coarse voxels (3 mm): only voxels inside the ball, and most of its core', () => {
  const { volumeMm3, farthestCornerMm } = regionOf([3, 3, 3]);
  // A voxel counts when its footprint beyond one grid cell is inside: its corners lie within the
  // radius plus the half cell left to the centre's own look-up (0.5, 0.5 and 1 mm: 1.22 mm).
  assert.ok(farthestCornerMm < RADIUS_MM + 1.4, `a voxel corner ${farthestCornerMm.toFixed(1)} mm from the centre`);
  // The voxels wholly inside a 12 mm ball fill at least a ball 2.6 mm (the voxel's half diagonal) smaller.
  const core = (4 / 3) * Math.PI * (RADIUS_MM - 2.6) ** 3;
  assert.ok(volumeMm3 > core, `${volumeMm3.toFixed(0)} mm3, core ${core.toFixed(0)}`);
  // Without the footprint rule the centre look-up alone takes the whole ball's volume or more.
  assert.ok(volumeMm3 < 0.85 * (4 / 3) * Math.PI * RADIUS_MM ** 3, `${volumeMm3.toFixed(0)} mm3`);
});
