#!/usr/bin/env node
// Joins cohort manifests into one (for training or testing on several simulated cohorts together):
//
//   node scripts/join-cohorts.mjs --out <folder> <a/cohort.csv> <b/cohort.csv> ...
//
// Writes <folder>/cohort.csv with every row of every manifest, its case_id prefixed by the cohort's
// seed ("s931-hip-0001-standing", so two cohorts' ids never collide; patient ids already carry the
// seed) and its file columns rewritten relative to the new folder, and <folder>/cohort.json saying
// where the rows came from (simulated only when every part is, the parts' descriptions, this command).
// The columns must agree; a manifest without cohort.json, or two parts with the same seed, is refused.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const FILE_COLUMNS = ['image', 'image_lat', 'ct', 'phantom'];

function fail(message) {
  console.error(`join-cohorts: ${message}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
if (outAt < 0 || args[outAt + 1] === undefined) fail('usage: join-cohorts.mjs --out <folder> <cohort.csv> <cohort.csv> ...');
const outDir = resolve(args[outAt + 1]);
const parts = args.filter((_, i) => i !== outAt && i !== outAt + 1);
if (parts.length < 2) fail('name at least two cohort manifests to join');

let columns;
const rows = [];
const provenance = [];
const seeds = new Set();
for (const part of parts) {
  const csv = resolve(part);
  if (!existsSync(csv)) fail(`${part}: no such manifest`);
  const sidecar = resolve(dirname(csv), 'cohort.json');
  if (!existsSync(sidecar)) fail(`${part}: no cohort.json beside it (its provenance would be lost)`);
  const meta = JSON.parse(readFileSync(sidecar, 'utf8'));
  const seed = meta.seed;
  if (!Number.isInteger(seed)) fail(`${part}: cohort.json names no single integer seed`);
  if (seeds.has(seed)) fail(`${part}: seed ${seed} is already part of the join`);
  seeds.add(seed);
  provenance.push({
    part: relative(outDir, csv),
    seed,
    n: meta.n,
    simulated: meta.simulated === true,
    description: meta.description,
    generator: meta.generator,
  });
  const table = parse(readFileSync(csv, 'utf8'), { columns: true, skip_empty_lines: true });
  const header = Object.keys(table[0] ?? {});
  if (columns === undefined) columns = header;
  else if (header.join(',') !== columns.join(',')) fail(`${part}: its columns differ from ${parts[0]}'s`);
  for (const row of table) {
    row.case_id = `s${seed}-${row.case_id}`;
    for (const column of FILE_COLUMNS) {
      const value = row[column];
      if (value && !isAbsolute(value)) row[column] = relative(outDir, resolve(dirname(csv), value));
    }
    rows.push(row);
  }
}

mkdirSync(outDir, { recursive: true });
writeFileSync(resolve(outDir, 'cohort.csv'), stringify(rows, { header: true, columns }));
const simulated = provenance.every((p) => p.simulated);
const site = [...new Set(rows.map((r) => r.site))].join(',');
const command = `node scripts/join-cohorts.mjs --out ${relative(process.cwd(), outDir)} ${parts.join(' ')}`;
writeFileSync(
  resolve(outDir, 'cohort.json'),
  `${JSON.stringify(
    {
      simulated,
      description: `${simulated ? 'SIMULATED ' : ''}${site} cohort joined from seeds ${[...seeds].join(', ')} (${provenance.map((p) => `${p.n} persons`).join(', ')})${simulated ? '; not clinical evidence' : ''}`,
      generator: command,
      site,
      seed: [...seeds],
      n: provenance.reduce((sum, p) => sum + (Number(p.n) || 0), 0),
      parts: provenance,
    },
    null,
    2,
  )}\n`,
);
console.error(`join-cohorts: ${rows.length} rows from ${parts.length} manifests -> ${relative(process.cwd(), resolve(outDir, 'cohort.csv'))}`);
