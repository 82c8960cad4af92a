// scripts/join-cohorts.mjs: two manifests become one whose rows read back (through the project's own
// manifest reader) to the same files, with case ids that cannot collide and the provenance kept.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readSiteCohort } from '../src/io/cohort/site-cohort.js';
import { cell, resolveIn } from '../src/io/cohort/cohort-cells.js';
import { tempDir } from './helpers/temp-dir.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/join-cohorts.mjs', import.meta.url));
const HEADER = 'case_id,patient_id,site,image,image_lat,ct,view,sex,age_years,phantom,femneck_abmd';

function cohortFolder(root: string, seed: number, persons: number, simulated = true): string {
  const dir = join(root, `dev-${seed}`);
  mkdirSync(dir, { recursive: true });
  const lines = [HEADER];
  for (let p = 1; p <= persons; p++) {
    const id = `hip-${String(p).padStart(4, '0')}`;
    for (const pose of ['standing', 'supine'])
      lines.push(`${id}-${pose},SIM${seed}-${p},hip,images/${id}-${pose}.dcm,,images/${id}-ct,${pose},F,70,phantoms/${id}.json,0.${seed % 10}${p}`);
  }
  writeFileSync(join(dir, 'cohort.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'cohort.json'), JSON.stringify({ simulated, description: `cohort ${seed}`, generator: `simulate --seed ${seed}`, seed, n: persons }));
  return join(dir, 'cohort.csv');
}

function join2(out: string, ...manifests: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [SCRIPT, '--out', out, ...manifests], { encoding: 'utf8' });
}

test('joined cohorts: every row once, ids prefixed by seed, files resolving to the originals, provenance of both', () => {
  const root = tempDir('join-cohorts-');
  const a = cohortFolder(root, 931, 3);
  const b = cohortFolder(root, 932, 2);
  const out = join(root, 'joined', 'dev-931-932');
  const run = join2(out, a, b);
  assert.equal(run.status, 0, String(run.stderr));

  const joined = readSiteCohort(join(out, 'cohort.csv'), 'hip', (r) => ({
    caseId: r.caseId,
    image: r.image,
    ct: resolveIn(r.folder, cell(r.row, 'ct')),
    phantom: resolveIn(r.folder, cell(r.row, 'phantom')),
    patient: cell(r.row, 'patient_id'),
  }));
  assert.equal(joined.cases.length, 10);
  assert.equal(joined.skipped.length, 0);
  assert.equal(new Set(joined.cases.map((c) => c.caseId)).size, 10);
  const first = joined.cases.find((c) => c.caseId === 's932-hip-0002-supine');
  assert.ok(first !== undefined);
  assert.equal(first.image, resolve(root, 'dev-932', 'images', 'hip-0002-supine.dcm'));
  assert.equal(first.ct, resolve(root, 'dev-932', 'images', 'hip-0002-ct'));
  assert.equal(first.phantom, resolve(root, 'dev-932', 'phantoms', 'hip-0002.json'));
  assert.equal(first.patient, 'SIM932-2');
  assert.equal(joined.simulated, true);
  assert.match(joined.description, /^SIMULATED hip cohort joined from seeds 931, 932 \(3 persons, 2 persons\)/);
  assert.match(joined.generator ?? '', /join-cohorts\.mjs --out /);
  const meta = JSON.parse(readFileSync(join(out, 'cohort.json'), 'utf8')) as { n: number; seed: number[]; parts: { generator: string }[] };
  assert.equal(meta.n, 5);
  assert.deepEqual(meta.seed, [931, 932]);
  assert.deepEqual(
    meta.parts.map((p) => p.generator),
    ['simulate --seed 931', 'simulate --seed 932'],
  );
});

test('join refuses (exit 2, the manifest named) the same seed twice, differing columns and a manifest without provenance', () => {
  const root = tempDir('join-cohorts-bad-');
  const a = cohortFolder(root, 931, 1);
  const twice = join2(join(root, 'out1'), a, a);
  assert.equal(twice.status, 2);
  assert.match(String(twice.stderr), /seed 931 is already part of the join/);

  const other = cohortFolder(root, 933, 1);
  writeFileSync(other, readFileSync(other, 'utf8').replace('femneck_abmd', 'tothip_abmd'));
  const columns = join2(join(root, 'out2'), a, other);
  assert.equal(columns.status, 2);
  assert.match(String(columns.stderr), /dev-933\/cohort\.csv: its columns differ/);

  const bare = join(root, 'bare');
  mkdirSync(bare);
  writeFileSync(join(bare, 'cohort.csv'), `${HEADER}\n`);
  const noProvenance = join2(join(root, 'out3'), a, join(bare, 'cohort.csv'));
  assert.equal(noProvenance.status, 2);
  assert.match(String(noProvenance.stderr), /bare\/cohort\.csv: no cohort\.json beside it/);
});
