// The trabecular pattern on projection radiographs against its closed forms: a uniform slab of
// cancellous bone gets a zero-mean field whose relative SD is sqrt((1 - f) / f * c / L), correlated
// longer along the spine than across it by the vertical elongation; nothing outside the bone; sparse
// bone (low vBMD) coarser and more vertical than dense bone. And a SIMULATED lumbar study: the
// pattern leaves the DXA truth alone and roughens the bodies (not the soft tissue).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { projectedTrabecularTexture, relativePathSd, textureFromVbmd } from '../src/physics/projected-trabecular-texture.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const COLUMNS = 240;
const ROWS = 240;

function correlationAtLag(field: Float32Array, dx: number, dy: number): number {
  let sum = 0;
  let squares = 0;
  for (let y = 20; y < ROWS - 20 - dy; y++)
    for (let x = 20; x < COLUMNS - 20 - dx; x++) {
      const a = field[y * COLUMNS + x]!;
      sum += a * field[(y + dy) * COLUMNS + x + dx]!;
      squares += a * a;
    }
  return sum / squares;
}

test('textureFromVbmd: volume fraction vBMD / 1.05 g/cm3, coarser and more vertical as bone thins', () => {
  const dense = textureFromVbmd(160);
  const sparse = textureFromVbmd(50);
  assert.ok(Math.abs(dense.boneVolumeFraction - 160 / 1050) < 1e-9);
  assert.equal(dense.verticalElongation, 1.5);
  assert.equal(sparse.verticalElongation, 3);
  assert.ok(Math.abs(sparse.grainMm - 0.8 * Math.sqrt(0.1 / (50 / 1050))) < 1e-9);
  assert.ok(sparse.grainMm > dense.grainMm);
  // Counting statistics: f = 0.1, c = 0.8 mm, L = 30 mm.
  assert.ok(Math.abs(relativePathSd({ boneVolumeFraction: 0.1, grainMm: 0.8, verticalElongation: 1 }, 30) - Math.sqrt(9 * (0.8 / 30))) < 1e-12);
  assert.equal(relativePathSd({ boneVolumeFraction: 0.01, grainMm: 2, verticalElongation: 1 }, 1), 0.5, 'capped');
});

test('a uniform slab: zero mean, the closed-form relative SD, vertical correlation longer by the elongation, nothing outside', () => {
  const haGPerCm3 = 0.12;
  const pathMm = 30;
  const cancellous = new Float32Array(COLUMNS * ROWS);
  for (let y = 10; y < ROWS - 10; y++) for (let x = 10; x < COLUMNS - 10; x++) cancellous[y * COLUMNS + x] = (haGPerCm3 * pathMm) / 10;
  const texture = { boneVolumeFraction: 0.2, grainMm: 1.6, verticalElongation: 2.5 };
  const added = projectedTrabecularTexture({
    cancellousGPerCm2: cancellous,
    cancellousHaGPerCm3: haGPerCm3,
    columns: COLUMNS,
    rows: ROWS,
    pixelSpacingMm: 0.4,
    texture,
    random: new SeededRandom(7),
  });
  const inside: number[] = [];
  for (let p = 0; p < added.length; p++) {
    if (cancellous[p] === 0) assert.equal(added[p], 0);
    else inside.push(added[p]! / cancellous[p]!);
  }
  const mean = inside.reduce((s, v) => s + v, 0) / inside.length;
  const sd = Math.sqrt(inside.reduce((s, v) => s + (v - mean) ** 2, 0) / inside.length);
  const expected = Math.sqrt(((1 - 0.2) / 0.2) * (1.6 / pathMm));
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - expected) < 0.1 * expected, `relative SD ${sd} vs ${expected}`);
  // Gaussian correlation exp(-d^2 / (4 sigma^2)) of blurred white noise: sigma 2 px across, 5 px along.
  const across = correlationAtLag(added, 3, 0);
  const along = correlationAtLag(added, 0, 3);
  assert.ok(Math.abs(across - Math.exp(-9 / 16)) < 0.08, `across ${across}`);
  assert.ok(Math.abs(along - Math.exp(-9 / 100)) < 0.08, `along ${along}`);
});

test('simulate lumbar: the pattern leaves the DXA truth as it was and roughens the vertebral bodies only', () => {
  const dir = tempDir('lumbar-texture');
  const args = ['simulate', 'lumbar', '--n', '1', '--seed', '960', '--workers', '1'];
  assert.equal(runCli([...args, '--out', join(dir, 'textured')], 300_000).status, 0);
  assert.equal(runCli([...args, '--out', join(dir, 'flat'), '--no-trabecular-pattern'], 300_000).status, 0);
  const truth = (folder: string): { lumbarAbmdGPerCm2: number; trabecularPattern: { verticalElongation: number } | null } =>
    JSON.parse(readFileSync(join(dir, folder, 'truth', 'lumbar-0001.json'), 'utf8')) as {
      lumbarAbmdGPerCm2: number;
      trabecularPattern: { verticalElongation: number } | null;
    };
  assert.equal(truth('textured').lumbarAbmdGPerCm2, truth('flat').lumbarAbmdGPerCm2);
  assert.equal(truth('flat').trabecularPattern, null);
  assert.ok(truth('textured').trabecularPattern!.verticalElongation >= 1.5);
  const textured = readFileSync(join(dir, 'textured', 'images', 'lumbar-0001-ap.dcm'));
  const flat = readFileSync(join(dir, 'flat', 'images', 'lumbar-0001-ap.dcm'));
  assert.equal(textured.length, flat.length);
  assert.notDeepEqual(textured, flat);
});
