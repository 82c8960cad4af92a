// `simulate ct-spine --kvp`: every series at the user's tube voltage (a beam no training scanner had),
// its effective energy lower at 80 kV than the same person's at the profile's 120-140 kV, the
// DICOM saying so; a CT tube voltage outside 70-150 kV is refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCtSpineSeries } from '../src/pipelines/ct-spine/ct-spine-series.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const ARGS = ['--n', '2', '--seed', '5', '--ct-matrix', '256', '--pixel-mm', '1.6', '--ct-slices', '40', '--slice-mm', '5', '--vendors', 'scanner-a,scanner-c'];
const scannerOf = (dir: string, c: string): { kVp: number; effectiveEnergyKeV: number } =>
  (JSON.parse(readFileSync(join(dir, 'truth', `${c}.json`), 'utf8')) as { scanner: { kVp: number; effectiveEnergyKeV: number } }).scanner;

test('simulate ct-spine --kvp 80: every series at 80 kV, a lower effective energy than at its profile kV, KVP in the DICOM', async () => {
  const low = tempDir('kvp80-');
  const usual = tempDir('kvp-profile-');
  assert.equal(runCli(['simulate', 'ct-spine', '--out', low, ...ARGS, '--kvp', '80'], 120_000).status, 0);
  assert.equal(runCli(['simulate', 'ct-spine', '--out', usual, ...ARGS], 120_000).status, 0);
  for (const c of ['ct-spine-0001', 'ct-spine-0002']) {
    const [a, b] = [scannerOf(low, c), scannerOf(usual, c)];
    assert.equal(a.kVp, 80);
    assert.ok(b.kVp === 120 || b.kVp === 140);
    // A tungsten beam's effective energy behind a patient is well under its peak and falls with it.
    assert.ok(a.effectiveEnergyKeV > 45 && a.effectiveEnergyKeV < 65, `${a.effectiveEnergyKeV} keV at 80 kV`);
    assert.ok(b.effectiveEnergyKeV - a.effectiveEnergyKeV > 10, `${b.effectiveEnergyKeV} keV at ${b.kVp} kV against ${a.effectiveEnergyKeV} at 80`);
    const series = await readCtSpineSeries(join(low, 'images', c));
    assert.equal(series.info.kvp, 80);
  }
  const refused = runCli(['simulate', 'ct-spine', '--out', tempDir('kvp-bad-'), ...ARGS, '--kvp', '200']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--kvp for CT must be 70-150 kV, got 200/);
});
