// The simulator's tissue HU beside a real CT's (issue 19 asks for the table): fat and soft-tissue
// peaks, and the trabecular core and cortical shell of L1-L3, measured the same way on the real CT
// of ../shared/realdata (its TotalSegmentator vertebra masks) and on SIMULATED series (the
// simulator's vertebra masks). A measurement of the simulator against reality: nothing is fitted.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Volume3D } from '../src/core/volume3d.js';
import { sampleReferenceTissues } from '../src/calibration/phantomless/reference-tissue-samples.js';
import { readNifti } from '../src/io/nifti.js';
import { canonicalVolume, readCtSpineNifti, readCtSpineSeries } from '../src/pipelines/ct-spine/ct-spine-series.js';
import { runCli } from './helpers/cli.js';
import { readIvContrast } from '../src/pipelines/ct-spine/contrast-enhancement.js';
import { erodeMask } from './helpers/mask-erosion.js';
import { announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const REAL = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/', import.meta.url));
const skip = announceSkip(existsSync(join(REAL, 'example_ct.nii.gz')) ? undefined : `SKIPPED: ${REAL} not found (the real CT of ../shared/realdata)`);

interface TissueHu {
  fatHu: number;
  softTissueHu: number;
  /** Paraspinal muscle as the phantomless calibration reads it (all slices). */
  muscleHu: number;
  trabecularHu: number;
  corticalP95Hu: number;
  /** The aorta region in front and left of L1-L2, as the contrast reading takes it (brightest 8 mm column over the slices: blood, or the crura beside it). */
  aortaRegionHu: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Body centre of a vertebra mask, index-mm: the centroid's x and z, and 16 mm behind its most anterior voxel (half a lumbar body's depth). */
function bodyCentre(ct: Volume3D, mask: Uint8Array): [number, number, number] {
  const [nx, ny] = ct.size;
  const [sx, sy, sz] = ct.spacingMm;
  let n = 0;
  let sumX = 0;
  let sumZ = 0;
  let front = Number.POSITIVE_INFINITY;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    const i = p % nx;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / (nx * ny));
    n++;
    sumX += i * sx;
    sumZ += k * sz;
    front = Math.min(front, j * sy);
  }
  return [sumX / n, front + 16, sumZ / n];
}

/** Tissue HU of a canonical CT volume, with a mask marking L1-L3 (whole vertebrae) and masks of L1 and L2 alone. */
function tissueHu(ct: Volume3D, vertebrae: Uint8Array, l1l2: readonly Uint8Array[]): TissueHu {
  const [nx, ny, nz] = ct.size;
  const fat: number[] = [];
  const soft: number[] = [];
  // 5x5 in-plane means, as the phantomless calibration reads fat: single voxels are too noisy.
  for (let k = 0; k < nz; k += 2) {
    for (let j = 2; j < ny - 2; j += 2) {
      for (let i = 2; i < nx - 2; i += 2) {
        let sum = 0;
        for (let dj = -2; dj <= 2; dj++) for (let di = -2; di <= 2; di++) sum += Number(ct.data[i + di + nx * (j + dj + ny * k)]);
        const m = sum / 25;
        if (m >= -150 && m <= -50) fat.push(m);
        else if (m >= 0 && m <= 100) soft.push(m);
      }
    }
  }
  const core = erodeMask(vertebrae, ct, 6);
  const trabecular: number[] = [];
  const shell: number[] = [];
  for (let p = 0; p < vertebrae.length; p++) {
    if (vertebrae[p] === 0) continue;
    (core[p] === 1 ? trabecular : shell).push(Number(ct.data[p]));
  }
  const fatPeak = median(fat);
  const nearFat = fat.filter((v) => Math.abs(v - fatPeak) <= 25);
  shell.sort((a, b) => a - b);
  return {
    fatHu: nearFat.reduce((a, b) => a + b, 0) / nearFat.length,
    softTissueHu: median(soft),
    muscleHu: sampleReferenceTissues(ct, [0, ct.size[2] - 1]).muscleHu,
    trabecularHu: median(trabecular),
    corticalP95Hu: shell[Math.floor(shell.length * 0.95)]!,
    aortaRegionHu: readIvContrast(
      ct,
      l1l2.map((m) => bodyCentre(ct, m)),
    ).aortaRegionHu!,
  };
}

function format(name: string, t: TissueHu): string {
  return `| ${name} | ${t.fatHu.toFixed(0)} | ${t.softTissueHu.toFixed(0)} | ${t.muscleHu.toFixed(0)} | ${t.aortaRegionHu.toFixed(0)} | ${t.trabecularHu.toFixed(0)} | ${t.corticalP95Hu.toFixed(0)} |`;
}

test(
  'tissue HU: the real CT beside SIMULATED series (fat, soft tissue, paraspinal muscle, aorta region, L1-L3 trabecular core and cortical shell)',
  { skip, timeout: 600_000 },
  async () => {
    const ctFile = join(REAL, 'example_ct.nii.gz');
    const real = (await readCtSpineNifti(ctFile)).volume;
    const masks = await Promise.all(
      ['L1', 'L2', 'L3'].map(async (level) => {
        const file = join(REAL, 'reference-masks', `vertebrae_${level}.nii.gz`);
        return canonicalVolume(await readNifti(file), file);
      }),
    );
    const realMask = Uint8Array.from({ length: real.data.length }, (_, p) => (masks.some((m) => Number(m.data[p]) >= 0.5) ? 1 : 0));
    const realLevels = masks.slice(0, 2).map((m) => Uint8Array.from({ length: real.data.length }, (_, p) => (Number(m.data[p]) >= 0.5 ? 1 : 0)));
    const realHu = tissueHu(real, realMask, realLevels);
    const rows = [format('real CT (TotalSegmentator example, Siemens 120 kVp, 3 mm)', realHu)];

    const dir = tempDir('tissue-hu-');
    const sim = runCli(
      [
        'simulate',
        'ct-spine',
        '--n',
        '3',
        '--out',
        dir,
        '--seed',
        '73',
        '--ct-slices',
        '100',
        '--slice-mm',
        '2.5',
        '--rod-share',
        '0',
        '--fracture-share',
        '0',
      ],
      300_000,
    );
    assert.equal(sim.status, 0, sim.stderr);
    const simulated: TissueHu[] = [];
    for (const id of ['ct-spine-0001', 'ct-spine-0002', 'ct-spine-0003']) {
      const series = await readCtSpineSeries(join(dir, 'images', id));
      const labelsFile = join(dir, 'masks', `${id}-vertebrae.nii.gz`);
      const labels = canonicalVolume(await readNifti(labelsFile), labelsFile);
      // VerSe codes: L1 20, L2 21, L3 22.
      const mask = Uint8Array.from({ length: labels.data.length }, (_, p) => (Number(labels.data[p]) >= 20 && Number(labels.data[p]) <= 22 ? 1 : 0));
      const levels = [20, 21].map((code) => Uint8Array.from({ length: labels.data.length }, (_, p) => (Number(labels.data[p]) === code ? 1 : 0)));
      const t = tissueHu(series.volume, mask, levels);
      simulated.push(t);
      rows.push(format(`SIMULATED ${id} (seed 73)`, t));
    }
    console.log(
      [
        '| CT | fat HU | soft tissue HU | paraspinal muscle HU | aorta region HU | L1-L3 trabecular core HU | L1-L3 cortical shell P95 HU |',
        '|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    );
    // Physical ranges for an adult abdomen at 100-140 kVp: a CT outside them is not read as openbmd expects.
    for (const t of [realHu, ...simulated]) {
      assert.ok(t.fatHu > -140 && t.fatHu < -60, `fat ${t.fatHu}`);
      assert.ok(t.softTissueHu > 10 && t.softTissueHu < 80, `soft tissue ${t.softTissueHu}`);
      assert.ok(t.muscleHu > 15 && t.muscleHu < 60, `muscle ${t.muscleHu}`);
      assert.ok(t.trabecularHu > 30 && t.trabecularHu < 400, `trabecular ${t.trabecularHu}`);
      assert.ok(t.corticalP95Hu > 250, `cortical ${t.corticalP95Hu}`);
      // Unenhanced blood 30-60 HU, the crura and psoas beside it as much; the brightest square of noise reads a little higher.
      assert.ok(t.aortaRegionHu > 20 && t.aortaRegionHu < 100, `aorta region ${t.aortaRegionHu}`);
    }
  },
);
