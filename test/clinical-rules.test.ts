// Clinical interpretation: T/Z-scores against the shipped tables, WHO / ACR QCT / ISCD boundaries,
// the pediatric "no table" path, and malformed tables.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpenBmdError } from '../src/core/errors.js';
import {
  type ClinicalKnowledge,
  type ReferenceTable,
  acrQctCategory,
  interpretMeasurement,
  loadClinicalKnowledge,
  loadReferenceTable,
  lowestTScoreCategory,
  whoCategory,
} from '../src/clinical/index.js';
import { tempDir } from './helpers/temp-dir.js';

const knowledge = loadClinicalKnowledge();

test('every shipped table names its source, version and device family, and the selection points at installed tables', () => {
  assert.ok(knowledge.tables.size >= 3);
  for (const table of knowledge.tables.values()) {
    assert.ok(table.source.length > 40, `${table.id} source`);
    assert.ok(table.version.length > 0 && table.deviceFamily.length > 0);
  }
  for (const id of Object.values(knowledge.selection.tScoreTables)) if (id !== null) assert.ok(knowledge.tables.has(id), id);
});

test('femoral neck T-score against NHANES III (0.858 +- 0.120) and the WHO category, table named', () => {
  const result = interpretMeasurement(knowledge, 'femneck_abmd', 0.558, { sex: 'F', ageYears: 67 });
  assert.ok(Math.abs(result.tScore!.score - -2.5) < 1e-12);
  assert.equal(result.category, 'osteoporosis', 'T = -2.5 exactly is osteoporosis');
  assert.equal(result.tScore!.tableId, 'nhanes3-nhw-women-20-29-femoral-neck');
  assert.equal(result.rule, 'WHO');
  const normal = interpretMeasurement(knowledge, 'tothip_abmd', 0.942 - 0.122, { sex: 'M', ageYears: 70 });
  assert.ok(Math.abs(normal.tScore!.score - -1) < 1e-12);
  assert.equal(normal.category, 'normal', 'T = -1.0 exactly is normal');
  // Categories follow the T-score as DXA reports it, to one decimal.
  assert.equal(interpretMeasurement(knowledge, 'femneck_abmd', 0.858 - 2.46 * 0.12, { ageYears: 60 }).category, 'osteoporosis');
  assert.equal(interpretMeasurement(knowledge, 'femneck_abmd', 0.858 - 2.44 * 0.12, { ageYears: 60 }).category, 'osteopenia');
});

test('WHO and ACR QCT boundaries', () => {
  const who = knowledge.rules.who;
  assert.equal(whoCategory(-2.5, who), 'osteoporosis');
  assert.equal(whoCategory(-2.4999, who), 'osteopenia');
  assert.equal(whoCategory(-1.0001, who), 'osteopenia');
  assert.equal(whoCategory(-1, who), 'normal');
  const acr = knowledge.rules.acrQct;
  assert.equal(acrQctCategory(79.99, acr), 'osteoporosis');
  assert.equal(acrQctCategory(80, acr), 'osteopenia');
  assert.equal(acrQctCategory(120, acr), 'osteopenia');
  assert.equal(acrQctCategory(120.01, acr), 'normal');
  const ct = interpretMeasurement(knowledge, 'spine_vbmd', 75, { ageYears: 60 });
  assert.equal(ct.category, 'osteoporosis');
  assert.equal(ct.rule, 'ACR-QCT');
  assert.match(ct.ruleSource!, /ACR/);
});

test('children: no pediatric forearm table is shipped, so the output says so instead of a Z-score', () => {
  const result = interpretMeasurement(knowledge, 'forearm_abmd', 0.35, { sex: 'F', ageYears: 9 });
  assert.equal(result.zScore, undefined);
  assert.equal(result.category, undefined);
  assert.equal(result.rule, 'ISCD-pediatric');
  assert.match(result.wording, /no pediatric reference table/);
  assert.match(result.notes.join(' '), /CCACH/);
});

test('under 50: no WHO category; with a site age-matched table the ISCD wording follows the Z-score', () => {
  const young = interpretMeasurement(knowledge, 'lumbar_abmd', 0.8, { sex: 'F', ageYears: 35 });
  assert.equal(young.category, undefined);
  assert.equal(young.rule, 'ISCD-under-50');
  const table = knowledge.tables.get('hologic-women-young-adult-lumbar-l1-l4')!;
  const site: ReferenceTable = { ...table, id: 'site-lumbar', ageMatched: [{ ageYears: [30, 39], mean: 1.04, sd: 0.11 }] };
  const withZ: ClinicalKnowledge = {
    ...knowledge,
    tables: new Map([...knowledge.tables, ['site-lumbar', site]]),
    selection: { ...knowledge.selection, tScoreTables: { ...knowledge.selection.tScoreTables, lumbar_abmd: 'site-lumbar' } },
  };
  const result = interpretMeasurement(withZ, 'lumbar_abmd', 0.8, { sex: 'F', ageYears: 35 });
  assert.ok(Math.abs(result.zScore!.score - (0.8 - 1.04) / 0.11) < 1e-12);
  assert.equal(result.wording, 'below the expected range for age');
});

test('the lowest T-score of spine and hip decides the WHO category', () => {
  const person = { sex: 'F' as const, ageYears: 72 };
  const lowest = lowestTScoreCategory([
    interpretMeasurement(knowledge, 'lumbar_abmd', 0.95, person),
    interpretMeasurement(knowledge, 'femneck_abmd', 0.55, person),
    interpretMeasurement(knowledge, 'spine_vbmd', 150, person),
  ]);
  assert.equal(lowest?.measurement, 'femneck_abmd');
  assert.equal(lowest?.category, 'osteoporosis');
});

test('a malformed reference table is refused with its file named', () => {
  const folder = tempDir();
  const path = join(folder, 'bad.json');
  writeFileSync(path, JSON.stringify({ id: 'x', title: 't', source: 'too short', version: '1' }));
  assert.throws(
    () => loadReferenceTable(path),
    (thrown: unknown) => thrown instanceof OpenBmdError && thrown.code === 'MALFORMED' && thrown.message.includes(path),
  );
  writeFileSync(path, '{not json');
  assert.throws(
    () => loadReferenceTable(path),
    (thrown: unknown) => thrown instanceof OpenBmdError && thrown.code === 'MALFORMED',
  );
});
