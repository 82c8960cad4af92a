// `openbmd simulate lumbar` end to end: AP and lateral DX files that dciodvfy accepts, L1-L4 aBMD
// as DXA defines it meeting the person's target, WHO category from the T-score, vertebral-body
// labels under the landmark boxes, confounders recorded, and cohort files per DESIGN.md.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { readRasterImage } from '../src/io/raster-image.js';
import { runCli } from './helpers/cli.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const N = 12;
const out = tempDir();
const run = runCli(['simulate', 'lumbar', '--n', String(N), '--out', out, '--seed', '4', '--pixel-mm', '0.8', '--summary'], 300_000);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const rows = (): Record<string, string>[] => parse(readFileSync(join(out, 'cohort.csv'), 'utf8'), { columns: true }) as Record<string, string>[];

interface Truth {
  lumbarAbmdGPerCm2: number;
  targetAbmdGPerCm2: number;
  levels: { level: string; areaCm2: number; abmdGPerCm2: number }[];
  tScore: { score: number; tableId: string } | null;
  category: string | null;
  confounders: { osteophytes: unknown[]; aorticCalcifications: number; nonSpineMineralShareOfBmc: number };
}

test('simulate lumbar writes AP and lateral images, cohort.csv and a summary', () => {
  assert.equal(run.status, 0, run.stderr);
  const cohort = rows();
  assert.equal(cohort.length, N);
  for (const row of cohort) {
    assert.equal(row['site'], 'lumbar');
    assert.equal(row['image'], `images/${row['case_id']}-ap.dcm`);
    assert.equal(row['image_lat'], `images/${row['case_id']}-lat.dcm`);
    assert.ok(Number(row['age_years']) >= 50);
  }
  assert.match(run.stdout, /^SIMULATED lumbar cohort, n = 12/);
  assert.match(run.stdout, /categories: /);
});

test('L1-L4 aBMD (DXA definition) meets the drawn target, with a plausible bone area and a WHO category from the T-score', () => {
  let withConfounders = 0;
  for (const row of rows()) {
    const truth = readJson<Truth>(join(out, 'truth', `${row['case_id']}.json`));
    assert.ok(
      Math.abs(truth.lumbarAbmdGPerCm2 / truth.targetAbmdGPerCm2 - 1) < 0.01,
      `${row['case_id']}: ${truth.lumbarAbmdGPerCm2} vs target ${truth.targetAbmdGPerCm2}`,
    );
    assert.equal(Number(row['lumbar_abmd']).toFixed(4), truth.lumbarAbmdGPerCm2.toFixed(4));
    const area = truth.levels.reduce((s, l) => s + l.areaCm2, 0);
    // Adult L1-L4 projected bone area is about 45-75 cm2.
    assert.ok(area > 40 && area < 80, `${row['case_id']}: L1-L4 area ${area.toFixed(1)} cm2`);
    // The category follows the T-score as DXA reports it, to one decimal (ISCD).
    const t = Math.round(truth.tScore!.score * 10) / 10;
    assert.equal(truth.tScore!.tableId, 'hologic-women-young-adult-lumbar-l1-l4');
    const expected = t <= -2.5 ? 'osteoporosis' : t < -1 ? 'osteopenia' : 'normal';
    assert.equal(truth.category, expected);
    if (truth.confounders.osteophytes.length > 0 || truth.confounders.nonSpineMineralShareOfBmc > 0) withConfounders++;
  }
  assert.ok(withConfounders > 0 && withConfounders <= N);
});

test('AP and lateral DX pass dciodvfy; vertebral-body labels lie under the landmark boxes', async (t) => {
  const first = rows()[0]!;
  await t.test('AP and lateral DX pass dciodvfy', { skip: announceSkip(commandMissing('dciodvfy', 'dicom3tools')) }, () => {
    for (const image of [first['image']!, first['image_lat']!]) {
      const check = spawnSync('dciodvfy', [join(out, image)], { encoding: 'utf8' });
      assert.doesNotMatch(`${check.stdout}${check.stderr}`, /Error|Warning/, check.stderr);
    }
  });
  for (const view of ['ap', 'lat'] as const) {
    const labels = await readRasterImage(join(out, 'masks', `${first['case_id']}-${view}-labels.png`), { spacingMm: [0.8, 0.8] });
    const landmarks = readJson<Record<'ap' | 'lat', { vertebralBodies: { level: string; code: number; corners: [number, number][] }[] }>>(
      join(out, 'landmarks', `${first['case_id']}.json`),
    );
    for (const body of landmarks[view].vertebralBodies) {
      // The middle half of the box (corners' centroid +- a quarter of the box) is that vertebra's body.
      const cx = body.corners.reduce((s, c) => s + c[0], 0) / 4;
      const cy = body.corners.reduce((s, c) => s + c[1], 0) / 4;
      let hits = 0;
      let total = 0;
      for (let dy = -3; dy <= 3; dy++) {
        for (let dx = -3; dx <= 3; dx++) {
          const value = labels.data[Math.round(cy + dy) * labels.size[0] + Math.round(cx + dx)];
          total++;
          if (value === body.code) hits++;
        }
      }
      assert.ok(hits / total > 0.9, `${view} ${body.level}: ${hits}/${total} centre pixels labelled ${body.code}`);
    }
  }
});

test('the label images carry the sacrum (VerSe 26) under L5 on both views, for the locator to count from', async () => {
  for (const row of rows().slice(0, 3)) {
    for (const view of ['ap', 'lat'] as const) {
      const labels = await readRasterImage(join(out, 'masks', `${row['case_id']}-${view}-labels.png`), { spacingMm: [0.8, 0.8] });
      const columns = labels.size[0];
      const rowsOf = (code: number): [number, number] => {
        let [top, bottom] = [Infinity, -Infinity];
        labels.data.forEach((v, p) => {
          if (Number(v) !== code) return;
          top = Math.min(top, Math.floor(p / columns));
          bottom = Math.max(bottom, Math.floor(p / columns));
        });
        return [top, bottom];
      };
      const [l5Top, l5Bottom] = rowsOf(24);
      const [sacrumTop, sacrumBottom] = rowsOf(26);
      const at = `${row['case_id']} ${view}: L5 rows ${l5Top}-${l5Bottom}, sacrum ${sacrumTop}-${sacrumBottom}`;
      // Below L5's top (its alae may rise beside L5), reaching well below L5 (the sacrum is about as tall as three bodies).
      assert.ok(sacrumTop > l5Top && sacrumTop < l5Bottom + 20, at);
      assert.ok(sacrumBottom - l5Bottom > l5Bottom - l5Top, at);
    }
  }
});

test('--mineral-factor: the same people with only their spine mineral scaled (aBMD times the factor, covariates and femoral neck unchanged)', () => {
  const scaledOut = tempDir();
  const scaled = runCli(['simulate', 'lumbar', '--n', '2', '--out', scaledOut, '--seed', '4', '--pixel-mm', '0.8', '--mineral-factor', '1.25'], 300_000);
  assert.equal(scaled.status, 0, scaled.stderr);
  const scaledRows = parse(readFileSync(join(scaledOut, 'cohort.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const original = rows();
  for (const [k, row] of scaledRows.entries()) {
    const before = original[k]!;
    for (const column of ['patient_id', 'sex', 'age_years', 'height_cm', 'weight_kg', 'femneck_abmd']) assert.equal(row[column], before[column], column);
    const ratio = Number(row['lumbar_abmd']) / Number(before['lumbar_abmd']);
    assert.ok(Math.abs(ratio - 1.25) < 0.0125, `${row['case_id']}: aBMD ratio ${ratio}`);
    const truth = readJson<Truth>(join(scaledOut, 'truth', `${row['case_id']}.json`));
    assert.ok(Math.abs(truth.targetAbmdGPerCm2 / readJson<Truth>(join(out, 'truth', `${row['case_id']}.json`)).targetAbmdGPerCm2 - 1.25) < 1e-9);
  }
});
