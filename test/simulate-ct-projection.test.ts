// `simulate ct-spine --ct-physics projection`: CT made by polychromatic projection and filtered
// back-projection rather than at one energy. The physics says what to expect: water (the rod phantom's
// body and its 0 mg/cm3 rod) at the scanner's offset once the water correction is applied, fat near
// -100 HU, rods linear in concentration with a slope between hydroxyapatite's at 55 and 85 keV.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sampleReferenceTissues } from '../src/calibration/phantomless/reference-tissue-samples.js';
import { readDicomSeries } from '../src/io/dicom/series/read-series.js';
import { readNifti } from '../src/io/nifti.js';
import { mineralised } from '../src/physics/composition.js';
import { hounsfieldUnits } from '../src/physics/ct-numbers.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { linearFit } from '../src/stats/linear-fit.js';
import { pearsonCorrelation } from '../src/stats/pearson-correlation.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const out = tempDir('ct-projection-');
const run = runCli(
  ['simulate', 'ct-spine', '--n', '2', '--out', out, '--seed', '21', '--ct-matrix', '384', '--pixel-mm', '1', '--ct-slices', '6', '--slice-mm', '5'].concat([
    '--rod-share',
    '1',
    '--ct-physics',
    'projection',
  ]),
  300_000,
);

interface Truth {
  scanner: { huOffset: number; huScale: number; physics: string };
  rodPhantom: { rods: Array<{ centerMm: [number, number]; mgPerCm3: number }> };
}

test('projection CT: water at the scanner offset, fat near -100 HU, rods linear with a slope between 55 and 85 keV', async () => {
  assert.equal(run.status, 0, run.stderr);
  const catalog = await loadMaterialCatalog();
  const slopeAt = (e: number): number =>
    (hounsfieldUnits(catalog, mineralised([{ material: 'water', gPerCm3: 1 }], 100), e) - hounsfieldUnits(catalog, [{ material: 'water', gPerCm3: 1 }], e)) /
    100;
  for (const id of ['ct-spine-0001', 'ct-spine-0002']) {
    const truth = JSON.parse(readFileSync(join(out, 'truth', `${id}.json`), 'utf8')) as Truth;
    assert.equal(truth.scanner.physics, 'projection');
    const v = (await readDicomSeries(join(out, 'images', id))).volume;
    const tissues = await readNifti(join(out, 'masks', `${id}-tissues.nii.gz`));
    const [nx, ny, nz] = v.size;
    // Mean over a label's voxels at least 6 mm from any other label in-plane (clear of the reconstruction's blur).
    const meanOf = (label: number): number => {
      const r = Math.ceil(6 / v.spacingMm[0]);
      let sum = 0;
      let n = 0;
      for (let k = 0; k < nz; k++)
        for (let j = r; j < ny - r; j++)
          for (let i = r; i < nx - r; i++) {
            let inside = true;
            for (let dj = -r; inside && dj <= r; dj += r)
              for (let di = -r; inside && di <= r; di += r) inside = Number(tissues.data[i + di + nx * (j + dj + ny * k)]) === label;
            if (!inside) continue;
            sum += v.data[i + nx * (j + ny * k)]!;
            n++;
          }
      return sum / n;
    };
    const rodHu = truth.rodPhantom.rods.map((rod) => {
      const ci = (rod.centerMm[0] - v.originMm[0]) / v.spacingMm[0];
      const cj = (rod.centerMm[1] - v.originMm[1]) / v.spacingMm[1];
      let sum = 0;
      let n = 0;
      for (let k = 0; k < nz; k++)
        for (let j = Math.floor(cj - 4); j <= cj + 4; j++)
          for (let i = Math.floor(ci - 4); i <= ci + 4; i++)
            if ((i - ci) ** 2 + (j - cj) ** 2 <= 3 ** 2 && i >= 0 && j >= 0 && i < nx && j < ny) {
              sum += v.data[i + nx * (j + ny * k)]!;
              n++;
            }
      return sum / n;
    });
    const mg = truth.rodPhantom.rods.map((r) => r.mgPerCm3);
    const fit = linearFit(mg, rodHu);
    const slope = fit.slope / truth.scanner.huScale;
    const fat = sampleReferenceTissues(v, [0, nz - 1]).fatHu;
    console.log(
      `${id}: fat ${fat.toFixed(1)} HU, phantom body ${meanOf(11).toFixed(1)}, rods ${rodHu.map((h) => h.toFixed(0)).join(', ')} (offset ${truth.scanner.huOffset.toFixed(1)}): ${slope.toFixed(3)} HU per mg/cm3`,
    );
    assert.ok(fat > -125 && fat < -80, `fat ${fat.toFixed(1)}`);
    assert.ok(Math.abs(meanOf(11) - truth.scanner.huOffset) < 10, `phantom body ${meanOf(11).toFixed(1)}`);
    assert.ok(Math.abs(rodHu[0]! - truth.scanner.huOffset) < 10, `water rod ${rodHu[0]!.toFixed(1)}`);
    assert.ok(pearsonCorrelation(mg, rodHu).r > 0.995);
    assert.ok(
      slope < slopeAt(55) && slope > slopeAt(85),
      `slope ${slope.toFixed(3)} against ${slopeAt(55).toFixed(3)} (55 keV) and ${slopeAt(85).toFixed(3)} (85 keV)`,
    );
  }
});

test('an unknown --ct-physics is refused with the choices', () => {
  const bad = runCli(['simulate', 'ct-spine', '--n', '1', '--out', tempDir('ct-physics-bad-'), '--ct-physics', 'monte-carlo']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--ct-physics is effective-energy or projection, got 'monte-carlo'/);
});
