// The contract every registered pipeline keeps, one body run over each (a fixture per site): analyze
// without --site gives a result.json that validates against the envelope schema; a wrong --site and
// a non-DICOM input exit 2 naming the file; predict over a cohort with a broken row reports it and
// goes on; a model folder trained through the CLI round-trips (inspect-model, predict); the DICOM
// outputs pass dciodvfy. A site added to the registry without a fixture here does not compile.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCsvTable } from '../src/io/csv-table.js';
import type { Site } from '../src/pipelines/registry.js';
import { SITES, withPipeline } from '../src/pipelines/registry.js';
import { resultEnvelopeSchema } from '../src/report/result-envelope.js';
import { runCli } from './helpers/cli.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

interface Fixture {
  /** `openbmd simulate` words for a small SIMULATED cohort of the site. */
  simulate: string[];
  /** The first case's input (relative to the cohort folder) and its phantom. */
  input: (cohortDir: string) => string[];
  phantom: (cohortDir: string) => string | undefined;
  /** A site whose pipeline must refuse this input (any other registered site). */
  otherSite: Site;
  /** The outputs analyze writes beside result.json. */
  dicomOutputs: string[];
}

const FIXTURES = {
  forearm: {
    simulate: ['forearm', '--n', '6', '--seed', '91'],
    input: (dir) => [join(dir, 'images', 'forearm-0001.dcm')],
    phantom: (dir) => join(dir, 'phantoms', 'forearm-0001.json'),
    otherSite: 'ct-spine',
    dicomOutputs: ['overlay-sc.dcm'],
  },
  lumbar: {
    simulate: ['lumbar', '--n', '6', '--seed', '93'],
    input: (dir) => [join(dir, 'images', 'lumbar-0001-ap.dcm'), join(dir, 'images', 'lumbar-0001-lat.dcm')],
    phantom: () => undefined,
    otherSite: 'forearm',
    dicomOutputs: ['overlay-sc.dcm', 'measurements-sr.dcm'],
  },
  'ct-spine': {
    simulate: ['ct-spine', '--n', '6', '--seed', '92', '--ct-slices', '100', '--slice-mm', '2.5', '--rod-share', '0.5', '--fracture-share', '0'],
    input: (dir) => [join(dir, 'images', 'ct-spine-0001')],
    phantom: () => undefined,
    otherSite: 'forearm',
    dicomOutputs: ['overlay-sc.dcm', 'segmentation.dcm', 'measurements-sr.dcm'],
  },
  hip: {
    simulate: ['hip', '--n', '2', '--seed', '94'],
    input: (dir) => [join(dir, 'images', 'hip-0001-standing.dcm')],
    phantom: () => undefined,
    otherSite: 'lumbar',
    dicomOutputs: ['overlay-sc.dcm', 'measurements-sr.dcm'],
  },
} as const satisfies Record<Site, Fixture>;

const root = tempDir('pipeline-contract-');
const skipDciodvfy = announceSkip(commandMissing('dciodvfy', 'dicom3tools'));
const notInCheckout = announceSkip(
  spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).status === 0
    ? undefined
    : 'SKIPPED: not a git checkout (the code commit is recorded only there)',
);

for (const site of SITES) {
  const fixture: Fixture = FIXTURES[site];
  // What the contract needs of the pipeline itself (loaded as the drivers load it).
  const pipeline = await withPipeline(site, (p) => ({
    measurementColumns: p.measurementColumns,
    refusingFlags: p.refusingFlags as readonly string[],
    defaultModelDir: p.defaultModelDir,
  }));
  const dir = join(root, site);
  const cohortDir = join(dir, 'cohort');
  let simulated: ReturnType<typeof runCli> | undefined;
  const cohort = (): string => {
    simulated ??= runCli(['simulate', ...fixture.simulate, '--out', cohortDir], 600_000);
    assert.equal(simulated.status, 0, simulated.stderr);
    return join(cohortDir, 'cohort.csv');
  };
  const phantomArgs = (): string[] => {
    const phantom = fixture.phantom(cohortDir);
    return phantom === undefined ? [] : ['--phantom', phantom];
  };

  test(`${site}: analyze without --site finds the pipeline and writes a result.json that validates against the envelope`, () => {
    cohort();
    const out = join(dir, 'analyze');
    const r = runCli(['analyze', ...fixture.input(cohortDir), ...phantomArgs(), '--out', out], 300_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`site ${site} from the DICOM`));
    const envelope = resultEnvelopeSchema.parse(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
    assert.equal(envelope.pipeline, site);
    assert.equal(envelope.simulatedInput, true);
    assert.deepEqual(
      envelope.measurements.map((m) => m.column),
      [...pipeline.measurementColumns],
    );
    assert.ok(
      envelope.measurements.every((m) => m.value !== null && Number.isFinite(m.value)),
      JSON.stringify(envelope.measurements),
    );
    for (const f of envelope.qcFlags) assert.equal(f.refusesNumber, pipeline.refusingFlags.includes(f.flag), f.flag);
    assert.equal(envelope.refusal, null);
    assert.ok(envelope.model.provenance.length > 0);
    for (const file of ['overlay.png', 'report.pdf', ...fixture.dicomOutputs]) assert.ok(existsSync(join(out, file)), file);
  });

  test(`${site}: the DICOM outputs pass dciodvfy`, { skip: skipDciodvfy }, () => {
    for (const file of fixture.dicomOutputs) {
      const check = spawnSync('dciodvfy', [join(dir, 'analyze', file)], { encoding: 'utf8' });
      const errors = `${check.stdout}${check.stderr}`.split('\n').filter((line) => line.startsWith('Error'));
      assert.deepEqual(errors, [], file);
    }
  });

  test(`${site}: an input of another site, and a file that is not DICOM, exit 2 naming the file`, () => {
    cohort();
    const [input] = fixture.input(cohortDir);
    const wrong = runCli(['analyze', input!, '--site', fixture.otherSite, '--out', join(dir, 'wrong-site')], 120_000);
    assert.equal(wrong.status, 2, wrong.stderr);
    const line = wrong.stderr.trim().split('\n').pop()!;
    assert.ok(line.includes(input!), line);
    assert.match(line, new RegExp(`not an input of the ${fixture.otherSite} pipeline`));
    const junk = join(dir, 'not-dicom.dcm');
    writeFileSync(junk, 'this is not a DICOM file\n');
    const bad = runCli(['analyze', junk, '--site', site, '--out', join(dir, 'bad')], 120_000);
    assert.equal(bad.status, 2, bad.stderr);
    assert.ok(bad.stderr.trim().split('\n').pop()!.includes(junk), bad.stderr);
  });

  test(`${site}: train through the CLI writes a model folder that round-trips (inspect-model, predict), and predict reports a broken row and goes on`, async (t) => {
    const cohortCsv = cohort();
    const model = join(dir, 'model');
    const trained = runCli(['train', site, '--cohort', cohortCsv, '--out', model, '--networks', pipeline.defaultModelDir(), '--seed', '3'], 600_000);
    assert.equal(trained.status, 0, trained.stderr);
    const description = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')) as {
      pipeline: string;
      command: string;
      seed: number;
      codeCommit?: string;
      trainingData: { simulated: boolean; cases: number };
    };
    assert.equal(description.pipeline, site);
    assert.match(description.command, new RegExp(`^openbmd train ${site} `));
    assert.equal(description.seed, 3);
    assert.equal(description.trainingData.simulated, true);
    await t.test('model.json names the code commit that wrote it', { skip: notInCheckout }, () => {
      assert.match(description.codeCommit ?? '(none)', /^[0-9a-f]{40}(-dirty)?$/);
    });
    const inspected = runCli(['inspect-model', model, '--pipeline', site, '--json'], 120_000);
    assert.equal(inspected.status, 0, inspected.stderr);
    // A cohort with one row whose image is not DICOM: reported with its line, the others predicted.
    const broken = join(cohortDir, 'cohort-with-broken.csv');
    const csv = readFileSync(cohortCsv, 'utf8').trimEnd().split('\n');
    const header = csv[0]!.split(',');
    mkdirSync(join(cohortDir, 'broken'), { recursive: true });
    writeFileSync(join(cohortDir, 'broken', 'broken.dcm'), 'not DICOM\n');
    const brokenRow = header
      .map((column) => ({ case_id: 'broken-0001', patient_id: 'BROKEN-1', site, image: site === 'ct-spine' ? 'broken' : 'broken/broken.dcm' })[column] ?? '')
      .join(',');
    writeFileSync(broken, `${csv.join('\n')}\n${brokenRow}\n`);
    const out = join(dir, 'predictions.csv');
    const predicted = runCli(['predict', '--model', model, '--cohort', broken, '--out', out], 600_000);
    assert.equal(predicted.status, 0, predicted.stderr);
    assert.match(predicted.stderr, /cohort-with-broken\.csv:\d+ broken-0001: /);
    const rows = readCsvTable(out).rows;
    assert.equal(rows.length, csv.length);
    assert.notEqual(rows.find((r) => r.cells.get('case_id') === 'broken-0001')!.cells.get('error'), '');
    const column = pipeline.measurementColumns[0]!;
    const values = rows.filter((r) => r.cells.get('case_id') !== 'broken-0001').map((r) => Number(r.cells.get(column)));
    assert.ok(values.filter(Number.isFinite).length >= values.length - 1, `${column}: ${values.join(' ')}`);
  });
}
