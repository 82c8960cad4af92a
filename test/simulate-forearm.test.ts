// `openbmd simulate forearm` end to end: DX files that dciodvfy accepts, the step wedge linear after
// the detector's inverse response (r > 0.999), raw grey levels that say little about aBMD across
// vendors (|r| < 0.4), the DXA-defined truth against a closed form, cohort files per DESIGN.md,
// the same bytes for the same seed whatever the worker count, and bad input with exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { invertProcessing } from '../src/physics/detector-processing.js';
import type { ProcessingRecord } from '../src/physics/detector-processing.js';
import { rotationAbout } from '../src/physics/phantom/solid.js';
import { corticalBone } from '../src/simulate/tissues.js';
import { distalRadiusAbmd, forearmGeometry } from '../src/simulate/forearm/simulate-forearm-case.js';
import { pearsonCorrelation } from '../src/stats/pearson-correlation.js';
import { runCli } from './helpers/cli.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const N = 40;
const out = tempDir();
const run = runCli(['simulate', 'forearm', '--n', String(N), '--out', out, '--seed', '3', '--summary'], 300_000);
const caseId = (k: number): string => `forearm-${String(k).padStart(4, '0')}`;
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

test('simulate forearm writes the cohort, a progress line per case and a summary', () => {
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`simulate forearm: ${N}/${N} cases, [0-9.]+ s/case, ETA`));
  const rows = parse(readFileSync(join(out, 'cohort.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, N);
  for (const row of rows) {
    assert.equal(row['site'], 'forearm');
    assert.match(row['image']!, /^images\/forearm-\d{4}\.dcm$/);
    assert.match(row['phantom']!, /^phantoms\/forearm-\d{4}\.json$/);
    const abmd = Number(row['forearm_abmd']);
    assert.ok(abmd > 0.12 && abmd < 0.8, `aBMD ${abmd}`);
    const age = Number(row['age_years']);
    assert.ok(age >= 3 && age < 17);
  }
  assert.equal(readJson<{ simulated: boolean }>(join(out, 'cohort.json')).simulated, true);
  const phantom = readJson<{ kind: string; steps: { thicknessMm: number }[]; stepLengthMm: number; widthMm: number; haMgPerCm3: number }>(
    join(out, 'phantoms', `${caseId(1)}.json`),
  );
  assert.deepEqual(phantom, { kind: 'step-wedge', steps: [2, 4, 6, 8].map((t) => ({ thicknessMm: t })), stepLengthMm: 10, widthMm: 15, haMgPerCm3: 600 });
  // Summary: aBMD grows with age in both sexes (pediatric gain), and says it is simulated.
  assert.match(run.stdout, /^SIMULATED forearm cohort, n = 40/);
  const summary = readJson<{ byAgeAndSex: { group: string; n: number; mean: number }[] }>(join(out, 'summary.json'));
  for (const sex of ['F', 'M']) {
    const groups = summary.byAgeAndSex.filter((g) => g.group.startsWith(sex));
    assert.ok(groups[3]!.mean > groups[0]!.mean + 0.1, `${sex}: ${groups.map((g) => g.mean.toFixed(3)).join(' < ')}`);
  }
});

test('step wedge: mean signal vs thickness is linear (r > 0.999) after the inverse detector response, every image', async () => {
  for (let k = 1; k <= N; k++) {
    const truth = readJson<{ processing: ProcessingRecord; vendor: string }>(join(out, 'truth', `${caseId(k)}.json`));
    const landmarks = readJson<{ wedge: { stepCenters: [number, number][] } }>(join(out, 'landmarks', `${caseId(k)}.json`));
    const image = await readDicomFile(join(out, 'images', `${caseId(k)}.dcm`));
    const columns = image.pixel.columns;
    const pixels = image.frames[0]!;
    const radius = 2.5 / 0.24;
    const attenuation = landmarks.wedge.stepCenters.map(([ci, cj]) => {
      let sum = 0;
      let count = 0;
      for (let j = Math.ceil(cj - radius); j <= cj + radius; j++) {
        for (let i = Math.ceil(ci - radius); i <= ci + radius; i++) {
          if ((i - ci) ** 2 + (j - cj) ** 2 > radius * radius) continue;
          sum += invertProcessing(truth.processing, pixels[j * columns + i]!);
          count++;
        }
      }
      return -Math.log(sum / count);
    });
    const r = pearsonCorrelation([2, 4, 6, 8], attenuation).r;
    assert.ok(r > 0.999, `${caseId(k)} (${truth.vendor}): r = ${r}`);
  }
});

test('raw grey level of the radius ROI says little about aBMD across vendors (|r| < 0.4)', () => {
  const summary = readJson<{ rawGreyVsTruthR: number; vendors: Record<string, number> }>(join(out, 'summary.json'));
  assert.equal(Object.keys(summary.vendors).length, 4);
  assert.ok(Math.abs(summary.rawGreyVsTruthR) < 0.4, `r = ${summary.rawGreyVsTruthR}`);
});

test('DXA-defined truth: a cylinder of mineral has mean projected mass rho * pi * R / 2', () => {
  const radiusMm = 8;
  const mineralMgPerCm3 = 1000;
  const options = {
    pixelSpacingMm: 0.05,
    fieldWidthMm: 60,
    fieldHeightMm: 60,
    sourceToDetectorMm: 1000,
    wedge: { stepThicknessesMm: [1, 2], stepLengthMm: 5, widthMm: 5, haMgPerCm3: 100 },
    maxWedgeRotationDeg: 0,
    doseFactor: 1,
  };
  const anatomy = {
    phantom: {
      regions: [{ name: 'radius', composition: corticalBone(mineralMgPerCm3), maskBits: 4 }],
      solids: [
        {
          shape: 'tube' as const,
          centerMm: [30, 30, 20] as [number, number, number],
          rotation: rotationAbout('x', Math.PI / 2),
          semiAxesMm: [radiusMm, radiusMm, 40] as const,
          region: 0,
          priority: 1,
        },
      ],
    },
    radiusRegions: new Set([0]),
    keyPointsMm: [
      [30 + radiusMm, 20, 20],
      [30 - radiusMm, 20, 20],
    ] as [[number, number, number], [number, number, number]],
    proximalDirection: [0, 1] as [number, number],
    stepCentersMm: [],
    wedgeCornersMm: [],
  };
  const { abmdGPerCm2 } = distalRadiusAbmd(anatomy, forearmGeometry(options));
  const expected = ((mineralMgPerCm3 / 1000) * ((Math.PI * radiusMm) / 2)) / 10;
  assert.ok(Math.abs(abmdGPerCm2 - expected) / expected < 0.003, `${abmdGPerCm2} vs ${expected}`);
});

const dciodvfyMissing = announceSkip(commandMissing('dciodvfy', 'dicom3tools'));
test('simulated DX images pass dciodvfy without errors or warnings', { skip: dciodvfyMissing }, () => {
  for (const k of [1, 2, 3, 4, 5, 6]) {
    const check = spawnSync('dciodvfy', [join(out, 'images', `${caseId(k)}.dcm`)], { encoding: 'utf8' });
    const output = `${check.stdout}${check.stderr}`;
    assert.match(output, /DXImageForPresentation/);
    assert.deepEqual(
      output.split('\n').filter((l) => l.startsWith('Error') || l.startsWith('Warning')),
      [],
      caseId(k),
    );
  }
});

test('the same seed gives byte-identical files, with one worker or two', () => {
  const again = tempDir();
  const second = runCli(['simulate', 'forearm', '--n', '3', '--out', again, '--seed', '3', '--workers', '1'], 120_000);
  assert.equal(second.status, 0, second.stderr);
  for (const k of [1, 2, 3]) {
    for (const file of [join('images', `${caseId(k)}.dcm`), join('masks', `${caseId(k)}-labels.png`), join('landmarks', `${caseId(k)}.json`)]) {
      assert.ok(readFileSync(join(out, file)).equals(readFileSync(join(again, file))), file);
    }
  }
});

test('bad simulate arguments exit 2 with one clear line', () => {
  const dir = tempDir();
  for (const args of [
    ['simulate', 'elbow', '--n', '2', '--out', dir],
    ['simulate', 'forearm', '--n', '0', '--out', dir],
    ['simulate', 'forearm', '--n', '2', '--out', dir, '--vendors', 'vendor-z'],
    ['simulate', 'forearm', '--n', '2', '--out', dir, '--wedge-steps', '2,x'],
  ]) {
    const r = runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.trim().length > 0);
  }
});
