// The pipelines' cohort readers share the manifest's cell rules (src/io/cohort/cohort-cells.ts):
// numbers that are not numbers leave the row out with the column named, sex is F or M or unknown,
// and training label files beside the manifest are taken only for a safe case_id with every file present.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCtSpineCohort } from '../src/pipelines/ct-spine/ct-spine-cohort.js';
import { readForearmCohort } from '../src/pipelines/forearm/forearm-cohort.js';
import { readHipCohort } from '../src/pipelines/hip/hip-cohort.js';
import { readLumbarCohort } from '../src/pipelines/lumbar/lumbar-cohort.js';

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'openbmd-cohort-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('forearm and ct-spine rows: numbers parsed, a bad number names its column, sex F/M only, labels only when all exist', () => {
  const dir = folderWith({
    'cohort.csv': [
      'case_id,site,image,forearm_abmd,spine_vbmd,age_years,sex',
      'a1,,a1.dcm,0.512,,61.5,F',
      'a2,,a2.dcm,0.6,,sixty,M',
      'a3,,a3.dcm,x,,70,f',
      'b1,,b1.dcm,,123.4,,M',
    ].join('\n'),
    'masks/a1-labels.png': '',
    'landmarks/a1.json': '{}',
    'masks/b1-cancellous.nii.gz': '',
  });
  try {
    const forearm = readForearmCohort(join(dir, 'cohort.csv'));
    assert.deepEqual(
      forearm.cases.map((c) => [c.caseId, c.abmdGPerCm2, c.ageYears, c.sex, c.labels !== undefined, c.landmarks !== undefined]),
      [
        ['a1', 0.512, 61.5, 'F', true, true],
        ['b1', undefined, undefined, 'M', false, false],
      ],
    );
    assert.deepEqual(
      forearm.skipped.map((s) => [s.caseId, s.problem]),
      [
        ['a2', "age_years 'sixty' is not a number"],
        ['a3', "forearm_abmd 'x' is not a number"],
      ],
    );
    const ct = readCtSpineCohort(join(dir, 'cohort.csv'));
    const b1 = ct.cases.find((c) => c.caseId === 'b1');
    // b1 has its mask but no landmarks: neither is taken.
    assert.deepEqual([b1?.vbmdMgPerCm3, b1?.cancellousMask, b1?.landmarks], [123.4, undefined, undefined]);
    assert.equal(ct.cases.find((c) => c.caseId === 'a1')?.sex, 'F');
    // ct-spine reads no forearm_abmd: only the bad age leaves a row out.
    assert.deepEqual(
      ct.skipped.map((s) => s.caseId),
      ['a2'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lumbar and hip rows: covariates parsed, lateral labels only with a lateral image, an unsafe case_id names no file', () => {
  const dir = folderWith({
    'cohort.csv': [
      'case_id,site,image,image_lat,lumbar_abmd,femneck_abmd,tothip_abmd,hip_vbmd,age_years,height_cm,weight_kg,sex,hip_side',
      's1,,s1-ap.dcm,s1-lat.dcm,0.9,0.7,0.8,250,66,162,70,F,L',
      's2,,s2-ap.dcm,,1.1,,,,,,,X,',
      '..s3,,s3-ap.dcm,,,,,,,,,,',
      's4,,s4-ap.dcm,,,,,,,180cm,,,R',
    ].join('\n'),
    'masks/s1-ap-labels.png': '',
    'masks/s1-lat-labels.png': '',
    'masks/s2-ap-labels.png': '',
    'masks/s2-lat-labels.png': '',
    'masks/..s3-ap-labels.png': '',
  });
  try {
    const lumbar = readLumbarCohort(join(dir, 'cohort.csv'));
    const byId = new Map(lumbar.cases.map((c) => [c.caseId, c]));
    assert.deepEqual(
      [byId.get('s1')?.lumbarAbmd, byId.get('s1')?.femneckAbmd, byId.get('s1')?.heightCm, byId.get('s1')?.weightKg, byId.get('s1')?.sex],
      [0.9, 0.7, 162, 70, 'F'],
    );
    assert.deepEqual(byId.get('s1')?.labels, { ap: join(dir, 'masks/s1-ap-labels.png'), lat: join(dir, 'masks/s1-lat-labels.png') });
    assert.deepEqual(byId.get('s2')?.labels, { ap: join(dir, 'masks/s2-ap-labels.png'), lat: undefined });
    assert.equal(byId.get('s2')?.sex, undefined);
    assert.equal(byId.get('..s3')?.labels, undefined, 'a case_id outside the safe alphabet: the row is read but names no label file');
    assert.deepEqual(
      lumbar.skipped.map((s) => [s.caseId, s.problem]),
      [['s4', "height_cm '180cm' is not a number"]],
    );
    const hip = readHipCohort(join(dir, 'cohort.csv'));
    const s1 = hip.cases.find((c) => c.caseId === 's1');
    assert.deepEqual([s1?.femneckAbmd, s1?.tothipAbmd, s1?.hipVbmd, s1?.ageYears, s1?.side], [0.7, 0.8, 250, 66, 'left']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
