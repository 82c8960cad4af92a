// `openbmd simulate ct-spine` end to end on a small-matrix cohort: CT series that dciodvfy accepts and
// pydicom reads with the same geometry and HU as openbmd's reader, NIfTI masks on the same grid,
// HU of fat (about -100, lower at 100 kVp), muscle and calibration rods as physics says (bone HU per mg/cm3 falls with kVp), QCT
// truth as DESIGN.md defines it (L1-L2, T12 substituting), image HU that track the truth, ribs on
// T12 and not on L2, the same bytes for the same seed whatever the worker count, and bad options.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { readDicomSeries } from '../src/io/dicom/series/read-series.js';
import { readNifti } from '../src/io/nifti.js';
import type { Volume3D } from '../src/core/volume3d.js';
import { linearFit } from '../src/stats/linear-fit.js';
import { pearsonCorrelation } from '../src/stats/pearson-correlation.js';
import { runCli } from './helpers/cli.js';
import { runPythonJson } from './helpers/python-reference.js';
import { announceSkip, commandMissing, pydicomMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';
import { spawnSync } from 'node:child_process';

const N = 12;
const SMALL = ['--ct-matrix', '160', '--pixel-mm', '2.5', '--ct-slices', '100', '--slice-mm', '3'];
const out = tempDir();
const run = runCli(['simulate', 'ct-spine', '--n', String(N), '--out', out, '--seed', '11', '--fracture-share', '0.5', ...SMALL], 300_000);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

interface LevelTruth {
  level: string;
  code: number;
  complete: boolean;
  fractured: boolean;
  vbmdMgPerCm3: number | null;
  exactMeanHu: number | null;
}
interface Truth {
  spineVbmdMgPerCm3: number | null;
  spineVbmdLevels: string[];
  levels: LevelTruth[];
  scanner: { scanner: string; kVp: number; huOffset: number; huScale: number; noiseSdHu: number };
  regionHu: Record<string, number>;
  rodPhantom: { rods: { centerMm: [number, number]; mgPerCm3: number }[] } | null;
}

const rows = (): Record<string, string>[] => parse(readFileSync(join(out, 'cohort.csv'), 'utf8'), { columns: true }) as Record<string, string>[];

test('simulate ct-spine writes series folders, masks, landmarks, truth and cohort.csv per DESIGN.md', () => {
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`simulate ct-spine: ${N}/${N} cases`));
  const cohort = rows();
  assert.equal(cohort.length, N);
  let withRods = 0;
  for (const row of cohort) {
    assert.equal(row['site'], 'ct-spine');
    assert.equal(row['image'], `images/${row['case_id']}`);
    assert.equal(readdirSync(join(out, row['image']!)).filter((f) => f.endsWith('.dcm')).length, 100);
    const vbmd = Number(row['spine_vbmd']);
    assert.ok(vbmd > 15 && vbmd < 300, `${row['case_id']}: spine_vbmd ${row['spine_vbmd']}`);
    if (row['phantom'] !== '') {
      withRods++;
      assert.deepEqual(readJson(join(out, row['phantom']!)), {
        kind: 'ct-rods',
        rods: [0, 50, 100, 200].map((mgPerCm3) => ({ mgPerCm3 })),
        material: 'HA',
        rodDiameterMm: 18,
      });
    }
  }
  assert.ok(withRods > 0 && withRods < N, `${withRods} of ${N} with rods`);
  assert.equal(readJson<{ simulated: boolean }>(join(out, 'cohort.json')).simulated, true);
});

test('truth: spine_vbmd is the mean of L1 and L2, T12 substituting a fractured or cut level', () => {
  let substituted = 0;
  for (const row of rows()) {
    const truth = readJson<Truth>(join(out, 'truth', `${row['case_id']}.json`));
    const usable = (name: string): LevelTruth | undefined => truth.levels.find((l) => l.level === name && l.complete && !l.fractured);
    const chosen = ['L1', 'L2', 'T12', 'L3']
      .map(usable)
      .filter((l): l is LevelTruth => l !== undefined)
      .slice(0, 2);
    assert.deepEqual(
      truth.spineVbmdLevels,
      chosen.map((l) => l.level),
    );
    const expected = chosen.reduce((s, l) => s + l.vbmdMgPerCm3!, 0) / chosen.length;
    assert.ok(Math.abs(Number(row['spine_vbmd']) - expected) < 0.006, `${row['case_id']}: ${row['spine_vbmd']} vs ${expected}`);
    if (!truth.spineVbmdLevels.includes('L1') || !truth.spineVbmdLevels.includes('L2')) substituted++;
    // The slab covers at least T11-L3 whole.
    for (const level of ['T11', 'T12', 'L1', 'L2', 'L3'])
      assert.ok(truth.levels.find((l) => l.level === level)?.complete, `${row['case_id']}: ${level} not complete`);
  }
  assert.ok(substituted > 0, 'with a fracture share of 0.5, some case substitutes T12');
});

test('CT series: dciodvfy clean for every scanner profile; pydicom reads the geometry and HU openbmd reads', async (t) => {
  const cohort = rows();
  const dciodvfy = announceSkip(commandMissing('dciodvfy', 'dicom3tools'));
  const scanners = new Map<string, string>();
  for (const row of cohort) scanners.set(readJson<Truth>(join(out, 'truth', `${row['case_id']}.json`)).scanner.scanner, row['image']!);
  assert.ok(scanners.size >= 3, `scanners seen: ${[...scanners.keys()].join(', ')}`);
  await t.test('dciodvfy clean for every scanner profile', { skip: dciodvfy }, () => {
    for (const [scanner, image] of scanners) {
      const check = spawnSync('dciodvfy', [join(out, image, 'ct-0050.dcm')], { encoding: 'utf8' });
      assert.doesNotMatch(`${check.stdout}${check.stderr}`, /Error|Warning/, `${scanner}: ${check.stderr}`);
    }
  });
  const series = await readDicomSeries(join(out, cohort[0]!.image!));
  const volume = series.volume;
  assert.deepEqual(volume.size, [160, 160, 100]);
  assert.deepEqual(volume.spacingMm, [2.5, 2.5, 3]);
  const mask = await readNifti(join(out, 'masks', `${cohort[0]!.case_id}-vertebrae.nii.gz`));
  assert.deepEqual(mask.size, volume.size);
  for (let a = 0; a < 3; a++) assert.ok(Math.abs(mask.originMm[a]! - volume.originMm[a]!) < 1e-3, `mask origin ${mask.originMm} vs series ${volume.originMm}`);
  await t.test('pydicom reads the geometry and HU openbmd reads', { skip: announceSkip(pydicomMissing()) }, () => {
    const script = `
import sys, json, glob, numpy as np, pydicom
folder = json.load(sys.stdin)
ds = sorted((pydicom.dcmread(f) for f in glob.glob(folder + '/*.dcm')), key=lambda d: float(d.ImagePositionPatient[2]))
hu = np.stack([d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in ds])
print(json.dumps({'first': [float(v) for v in ds[0].ImagePositionPatient], 'steps': np.diff([float(d.ImagePositionPatient[2]) for d in ds]).tolist(),
  'spacing': [float(v) for v in ds[0].PixelSpacing], 'sum': float(hu.sum()), 'at': float(hu[50, 80, 70])}))`;
    const ref = runPythonJson<{ first: number[]; steps: number[]; spacing: number[]; sum: number; at: number }>(script, join(out, cohort[0]!.image!));
    for (let a = 0; a < 3; a++) assert.ok(Math.abs(ref.first[a]! - volume.originMm[a]!) < 1e-4);
    assert.ok(ref.steps.every((s) => Math.abs(s - 3) < 1e-6));
    assert.deepEqual(ref.spacing, [2.5, 2.5]);
    let sum = 0;
    for (let p = 0; p < volume.data.length; p++) sum += volume.data[p]!;
    assert.equal(sum, ref.sum);
    assert.equal(volume.data[80 * 160 + 70 + 50 * 160 * 160], ref.at);
  });
});

/** Mean HU over voxels of a label, eroded by one voxel in-plane so partial volume stays out. */
function meanInLabel(hu: Volume3D, labels: Volume3D, value: number): number {
  const [nx, ny, nz] = hu.size;
  let sum = 0;
  let count = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 1; j < ny - 1; j++) {
      for (let i = 1; i < nx - 1; i++) {
        const p = i + nx * (j + ny * k);
        if (
          labels.data[p] !== value ||
          labels.data[p - 1] !== value ||
          labels.data[p + 1] !== value ||
          labels.data[p - nx] !== value ||
          labels.data[p + nx] !== value
        )
          continue;
        sum += hu.data[p]!;
        count++;
      }
    }
  }
  return count > 0 ? sum / count : NaN;
}

test('HU: fat about -100, muscle 20-55 (lower with age and in women), water rod 0; rods linear in concentration, steeper at 100 kVp than at 140 kVp', async () => {
  const slopes = new Map<number, number[]>();
  for (const row of rows()) {
    const truth = readJson<Truth>(join(out, 'truth', `${row['case_id']}.json`));
    assert.ok(truth.regionHu['subcutaneous fat']! < -85 && truth.regionHu['subcutaneous fat']! > -125, `fat ${truth.regionHu['subcutaneous fat']}`);
    // Paraspinal muscle: 47 HU in young men, 36 in young women (Lee et al. 2020), 20-30 in the very old (Anderson et al. 2013).
    const ageYears = Number(row['age_years']);
    const muscleHu = truth.regionHu['muscle']!;
    assert.ok(muscleHu > 18 && muscleHu < 55, `muscle ${muscleHu}`);
    if (ageYears < 50 && row['sex'] === 'M') assert.ok(muscleHu > 38, `muscle of a ${ageYears}-year-old man ${muscleHu.toFixed(1)} HU`);
    if (ageYears > 75) assert.ok(muscleHu < 38, `muscle of a ${ageYears}-year-old ${muscleHu.toFixed(1)} HU`);
    if (truth.rodPhantom === null) continue;
    const series = await readDicomSeries(join(out, row['image']!));
    const tissues = await readNifti(join(out, 'masks', `${row['case_id']}-tissues.nii.gz`));
    // Image fat agrees with the exact value after the scanner's offset and scale.
    const fat = meanInLabel(series.volume, tissues, 1);
    const expectedFat = truth.scanner.huScale * truth.regionHu['subcutaneous fat']! + truth.scanner.huOffset;
    assert.ok(Math.abs(fat - expectedFat) < 4, `${row['case_id']}: image fat ${fat.toFixed(1)} vs ${expectedFat.toFixed(1)}`);
    const v = series.volume;
    const [nx, ny, nz] = v.size;
    const rodHu = truth.rodPhantom.rods.map((rod) => {
      const ci = (rod.centerMm[0] - v.originMm[0]) / v.spacingMm[0];
      const cj = (rod.centerMm[1] - v.originMm[1]) / v.spacingMm[1];
      let sum = 0;
      let count = 0;
      for (let k = 0; k < nz; k++) {
        for (let j = Math.floor(cj - 2); j <= cj + 2; j++) {
          for (let i = Math.floor(ci - 2); i <= ci + 2; i++) {
            if ((i - ci) ** 2 + (j - cj) ** 2 > 1.6 ** 2 || i < 0 || j < 0 || i >= nx || j >= ny) continue;
            sum += v.data[i + nx * (j + ny * k)]!;
            count++;
          }
        }
      }
      return sum / count;
    });
    const concentrations = truth.rodPhantom.rods.map((r) => r.mgPerCm3);
    assert.ok(pearsonCorrelation(concentrations, rodHu).r > 0.999, `${row['case_id']}: rods ${rodHu.map((h) => h.toFixed(1)).join(', ')}`);
    assert.ok(Math.abs(rodHu[0]! - truth.scanner.huOffset) < 6, `water rod ${rodHu[0]} (offset ${truth.scanner.huOffset})`);
    const fit = linearFit(concentrations, rodHu);
    slopes.set(truth.scanner.kVp, [...(slopes.get(truth.scanner.kVp) ?? []), fit.slope / truth.scanner.huScale]);
  }
  const mean = (xs: number[] | undefined): number => (xs === undefined ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
  const kvps = [...slopes.keys()].sort((a, b) => a - b);
  assert.ok(kvps.length >= 2, `rod cases at ${kvps.join(', ')} kVp`);
  for (let i = 0; i + 1 < kvps.length; i++)
    assert.ok(
      mean(slopes.get(kvps[i]!)) > mean(slopes.get(kvps[i + 1]!)),
      `HU per mg/cm3 by kVp: ${kvps.map((k) => `${k}: ${mean(slopes.get(k)).toFixed(3)}`).join(', ')}`,
    );
});

test('image HU in L1 cancellous bone track the true vBMD (r > 0.9) and ribs sit on T12, not on L2', async () => {
  const hu: number[] = [];
  const vbmd: number[] = [];
  for (const row of rows()) {
    const truth = readJson<Truth>(join(out, 'truth', `${row['case_id']}.json`));
    const l1 = truth.levels.find((l) => l.level === 'L1')!;
    const series = await readDicomSeries(join(out, row['image']!));
    const cancellous = await readNifti(join(out, 'masks', `${row['case_id']}-cancellous.nii.gz`));
    hu.push(meanInLabel(series.volume, cancellous, l1.code));
    vbmd.push(l1.vbmdMgPerCm3!);
  }
  const r = pearsonCorrelation(vbmd, hu).r;
  assert.ok(r > 0.9, `r = ${r.toFixed(3)}`);
  // Rib heads: cortical bone (tissue class 7) beside the body (within 15 mm of its centre front to back), 24-40 mm from its
  // centre, within T12's slices but not L2's (the lower ribs pass L2's slices too, but far out on the
  // body wall, and its transverse processes lie further back).
  const first = rows()[0]!;
  const landmarks = readJson<{ levels: { level: string; bodyBoxVoxel: [number[], number[]]; bodyCentroidVoxel: number[] }[] }>(
    join(out, 'landmarks', `${first.case_id}.json`),
  );
  const tissues = await readNifti(join(out, 'masks', `${first.case_id}-tissues.nii.gz`));
  const [nx, ny] = tissues.size;
  const lateralBone = (level: string): number => {
    const l = landmarks.levels.find((x) => x.level === level)!;
    const [, , k0] = l.bodyBoxVoxel[0]!;
    const [, , k1] = l.bodyBoxVoxel[1]!;
    const [ci, cj] = l.bodyCentroidVoxel as [number, number];
    const [sx, sy] = tissues.spacingMm;
    let count = 0;
    for (let k = k0!; k <= k1!; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const lateralMm = Math.abs(i - ci) * sx;
          const backMm = (j - cj) * sy;
          if (lateralMm >= 24 && lateralMm <= 40 && Math.abs(backMm) <= 15 && tissues.data[i + nx * (j + ny * k)] === 7) count++;
        }
    return count;
  };
  assert.ok(lateralBone('T12') > 0, 'T12 carries ribs');
  assert.equal(lateralBone('L2'), 0, 'L2 carries no ribs');
});

test('the same seed gives byte-identical CT slices and masks with one worker or two', () => {
  const again = tempDir();
  const rerun = runCli(['simulate', 'ct-spine', '--n', '2', '--out', again, '--seed', '11', '--workers', '1', '--fracture-share', '0.5', ...SMALL], 120_000);
  assert.equal(rerun.status, 0, rerun.stderr);
  for (const file of [
    'images/ct-spine-0001/ct-0001.dcm',
    'images/ct-spine-0002/ct-0060.dcm',
    'masks/ct-spine-0002-cancellous.nii.gz',
    'truth/ct-spine-0001.json',
  ]) {
    assert.ok(readFileSync(join(out, file)).equals(readFileSync(join(again, file))), file);
  }
});

test('bad ct-spine options exit 2 with one clear line', () => {
  const dir = tempDir();
  const badRods = runCli(['simulate', 'ct-spine', '--n', '1', '--out', dir, '--rods', '0,abc'], 30_000);
  assert.equal(badRods.status, 2);
  assert.match(badRods.stderr, /--rods wants two or more concentrations/);
  const badScanner = runCli(['simulate', 'ct-spine', '--n', '1', '--out', dir, '--vendors', 'vendor-a'], 30_000);
  assert.equal(badScanner.status, 2);
  assert.match(badScanner.stderr, /unknown CT scanner profile 'vendor-a'/);
});
