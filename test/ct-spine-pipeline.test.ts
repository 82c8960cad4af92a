// The CT spine pipeline (seed 002) end to end with the shipped model, on a small SIMULATED cohort it
// never saw: levels found where the simulator put them, cancellous Dice, rods found where they are
// and calibrating, vBMD near the truth, the train -> predict -> metrics round trip, and bad series
// (missing, duplicate, corrupt slices, too short, not covering L1-L2, localiser, contrast).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runCli } from './helpers/cli.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';
import { resultEnvelopeSchema } from '../src/report/result-envelope.js';

const out = tempDir();
const cohortDir = join(out, 'cohort');
const simulated = runCli(
  [
    'simulate',
    'ct-spine',
    '--n',
    '6',
    '--out',
    cohortDir,
    '--seed',
    '41',
    '--ct-slices',
    '100',
    '--slice-mm',
    '2.5',
    '--rod-share',
    '0.5',
    '--fracture-share',
    '0',
  ],
  300_000,
);
const rows = (): Record<string, string>[] => parse(readFileSync(join(cohortDir, 'cohort.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

interface Landmarks {
  levels: { level: string; bodyCentroidVoxel: [number, number, number] }[];
  rods: { mgPerCm3: number; centerVoxel: [number, number] }[];
}
interface Truth {
  spineVbmdMgPerCm3: number;
  pixelSpacingMm: number;
  sliceThicknessMm: number;
  scanner: { scanner: string; huScale: number; huOffset: number; effectiveEnergyKeV: number };
}
interface Result {
  spineVbmdMgPerCm3: number | null;
  category: string | null;
  vbmdMethod: { name: string } | null;
  byMethod: { rods: number | null; phantomless: number | null; densenet: number | null };
  levels: { level: string; found: boolean; centreMm: [number, number, number] | null }[];
  calibration: {
    rods: { r: number; rods: { mgPerCm3: number; centreMm: [number, number] }[] } | null;
    phantomless: { scale: number; offsetHu: number; effectiveEnergyKeV: number };
  };
  qcFlags: string[];
  recalibration: { scanner: string; fit: Record<'rods' | 'phantomless' | 'densenet', string> };
}

/** The envelope's ct-spine reading: validated against the schema, its details and measurement flattened for the assertions. */
function resultOf(file: string): Result {
  const envelope = resultEnvelopeSchema.parse(readJson<unknown>(file));
  assert.equal(envelope.pipeline, 'ct-spine');
  return {
    ...(envelope.details as object),
    spineVbmdMgPerCm3: envelope.measurements[0]!.value,
    category: envelope.interpretation?.category ?? null,
    qcFlags: envelope.qcFlags.map((f) => f.flag),
  } as Result;
}

function analyze(series: string, name: string, extra: string[] = []): { status: number | null; stderr: string; result: Result | undefined } {
  const dir = join(out, `analyze-${name}`);
  const r = runCli(['analyze', series, '--out', dir, ...extra], 120_000);
  return { status: r.status, stderr: r.stderr, result: existsSync(join(dir, 'result.json')) ? resultOf(join(dir, 'result.json')) : undefined };
}

test('simulate writes a small ct-spine cohort, with rods in some cases', () => {
  assert.equal(simulated.status, 0, simulated.stderr);
  assert.equal(rows().length, 6);
  assert.ok(
    rows().some((r) => r['phantom'] !== ''),
    'a case with rods (the rod test needs one)',
  );
});

test('analyze a series with rods: T12-L2 found where the simulator put them, rods found and calibrating, vBMD near the truth', () => {
  const row = rows().find((r) => r['phantom'] !== '')!;
  const id = row['case_id']!;
  const { status, stderr, result } = analyze(join(cohortDir, row['image']!), 'rods', [
    '--phantom',
    join(cohortDir, row['phantom']!),
    '--age',
    row['age_years']!,
  ]);
  assert.equal(status, 0, stderr);
  const truth = readJson<Truth>(join(cohortDir, 'truth', `${id}.json`));
  // The shipped recalibration was fitted on scanners a-c: a series from scanner d says so.
  assert.equal(
    result!.qcFlags.includes('scanner-not-in-training'),
    truth.scanner.scanner === 'scanner-d',
    `${truth.scanner.scanner}: ${result!.qcFlags.join(' ')}`,
  );
  // ... and scanners a-c, each with 61-71 series there, have recalibrations of their own; the result says which fit it used.
  const ownFit = truth.scanner.scanner !== 'scanner-d';
  assert.match(result!.recalibration.scanner, /at \d+ kVp$/);
  // Its own fit reads the series at the scanner's mean HU per mg/cm3 of hydroxyapatite (between 0.8 and 2.5 from 140 down to 80 kVp).
  for (const method of ['phantomless', 'densenet'] as const) {
    const fit = result!.recalibration.fit[method]!;
    if (!ownFit) assert.equal(fit, 'fitted on the whole training cohort', method);
    else {
      const huPerMg = /^fitted on this scanner's own reference cases, read at the scanner's mean phantomless HU per mg\/cm3 \(([\d.]+)\)$/.exec(fit);
      assert.ok(huPerMg !== null && Number(huPerMg[1]) > 0.8 && Number(huPerMg[1]) < 2.5, `${method}: ${fit}`);
    }
  }
  const landmarks = readJson<Landmarks>(join(cohortDir, 'landmarks', `${id}.json`));
  const spacing = [truth.pixelSpacingMm, truth.pixelSpacingMm, truth.sliceThicknessMm];
  for (const level of ['T12', 'L1', 'L2']) {
    const found = result!.levels.find((l) => l.level === level)!;
    const expected = landmarks.levels.find((l) => l.level === level)!.bodyCentroidVoxel.map((v, a) => v * spacing[a]!);
    assert.ok(found.found && found.centreMm !== null, `${level} found`);
    const error = Math.hypot(...found.centreMm.map((v, a) => v - expected[a]!));
    console.log(`${id} ${level}: centre error ${error.toFixed(1)} mm`);
    assert.ok(error < 6, `${level} centre ${error.toFixed(1)} mm off`);
  }
  const rods = result!.calibration.rods!;
  assert.ok(rods.r > 0.995, `rod fit r ${rods.r}`);
  for (const rod of landmarks.rods) {
    const foundRod = rods.rods.find((r) => r.mgPerCm3 === rod.mgPerCm3)!;
    // The 0 mg/cm3 rod is water in water: its place follows from the others' pitch, on either end.
    if (rod.mgPerCm3 === 0) continue;
    const error = Math.hypot(
      foundRod.centreMm[0] - rod.centerVoxel[0] * truth.pixelSpacingMm,
      foundRod.centreMm[1] - rod.centerVoxel[1] * truth.pixelSpacingMm,
    );
    assert.ok(error < 2.5, `rod ${rod.mgPerCm3} found ${error.toFixed(1)} mm off`);
  }
  assert.equal(result!.vbmdMethod?.name, 'rods');
  // Phantomless: the scanner's HU scale and offset and the beam's energy from air, fat and muscle, against the
  // simulator's record of them. A water offset of a few HU trades against a few keV (docs/ct-spine.md).
  const pl = result!.calibration.phantomless;
  console.log(
    `${id}: phantomless scale ${pl.scale.toFixed(4)} (simulated ${truth.scanner.huScale.toFixed(4)}), offset ${pl.offsetHu.toFixed(1)} HU (${truth.scanner.huOffset.toFixed(1)}), effective energy ${pl.effectiveEnergyKeV.toFixed(1)} keV (${truth.scanner.effectiveEnergyKeV.toFixed(1)})`,
  );
  assert.ok(Math.abs(pl.scale - truth.scanner.huScale) < 0.01);
  assert.ok(Math.abs(pl.offsetHu - truth.scanner.huOffset) < 6);
  assert.ok(Math.abs(pl.effectiveEnergyKeV - truth.scanner.effectiveEnergyKeV) < 7);
  console.log(
    `${id}: vBMD rods ${result!.byMethod.rods?.toFixed(1)}, phantomless ${result!.byMethod.phantomless?.toFixed(1)}, DenseNet ${result!.byMethod.densenet?.toFixed(1)}, truth ${truth.spineVbmdMgPerCm3.toFixed(1)} mg/cm3`,
  );
  assert.ok(Math.abs(result!.byMethod.rods! - truth.spineVbmdMgPerCm3) < 20);
  assert.ok(Math.abs(result!.byMethod.phantomless! - truth.spineVbmdMgPerCm3) < 25);
  assert.ok(Math.abs(result!.byMethod.densenet! - truth.spineVbmdMgPerCm3) < 25);
  const v = result!.spineVbmdMgPerCm3!;
  assert.equal(result!.category, v < 80 ? 'osteoporosis' : v > 120 ? 'normal' : 'osteopenia');
  for (const file of ['overlay.png', 'report.pdf', 'overlay-sc.dcm', 'segmentation.dcm', 'measurements-sr.dcm'])
    assert.ok(existsSync(join(out, 'analyze-rods', file)), file);
});

const skipDciodvfy = announceSkip(commandMissing('dciodvfy', 'dicom3tools'));
const skipPydicomNumpy = announceSkip(pythonModulesMissing(['pydicom', 'numpy'], 'python3-pydicom python3-numpy'));

test('analyze a series with rods: dciodvfy finds no error in the Secondary Capture, SEG and SR', { skip: skipDciodvfy }, () => {
  for (const file of ['overlay-sc.dcm', 'segmentation.dcm', 'measurements-sr.dcm']) {
    const check = spawnSync('dciodvfy', [join(out, 'analyze-rods', file)], { encoding: 'utf8' });
    assert.ok(!/^Error/m.test(check.stderr + check.stdout), `${file}: ${check.stderr}`);
  }
});

test(
  'analyze a series with rods: pydicom reads the SEG (segments, voxels as in result.json) and the SR (TID 1500, the reported mean)',
  { skip: skipPydicomNumpy },
  () => {
    const row = rows().find((r) => r['phantom'] !== '')!;
    const truth = readJson<Truth>(join(cohortDir, 'truth', `${row['case_id']}.json`));
    const result = resultOf(join(out, 'analyze-rods', 'result.json'));
    // The SEG read by pydicom: its segments, and as many voxels as result.json says were segmented.
    const seg = runPythonJson<{ labels: string[]; voxels: number; frames: number }>(
      'import sys, json, pydicom\nf = json.load(sys.stdin)\nd = pydicom.dcmread(f)\na = d.pixel_array\nprint(json.dumps({"labels": [s.SegmentLabel for s in d.SegmentSequence], "voxels": int(a.sum()), "frames": int(d.NumberOfFrames)}))',
      join(out, 'analyze-rods', 'segmentation.dcm'),
    );
    const voxelMm3 = truth.pixelSpacingMm * truth.pixelSpacingMm * truth.sliceThicknessMm;
    const segmentedMm3 = result!.levels.reduce((t, l) => t + (l as unknown as { cancellousMm3: number }).cancellousMm3, 0);
    assert.deepEqual(seg.labels, ['T12 cancellous', 'L1 cancellous', 'L2 cancellous']);
    assert.ok(Math.abs(seg.voxels - segmentedMm3 / voxelMm3) < 1, `${seg.voxels} voxels in the SEG, ${segmentedMm3 / voxelMm3} in result.json`);
    // The SR (TID 1500): the last measurement group holds the reported mean.
    const sr = runPythonJson<{ template: string; groups: number; mean: number }>(
      'import sys, json, pydicom\nd = pydicom.dcmread(json.load(sys.stdin))\nm = [c for c in d.ContentSequence if c.ConceptNameCodeSequence[0].CodeValue == "126010"][0]\ng = m.ContentSequence\nnum = [c for c in g[-1].ContentSequence if c.ValueType == "NUM"][0]\nprint(json.dumps({"template": d.ContentTemplateSequence[0].TemplateIdentifier, "groups": len(g), "mean": float(num.MeasuredValueSequence[0].NumericValue)}))',
      join(out, 'analyze-rods', 'measurements-sr.dcm'),
    );
    assert.equal(sr.template, '1500');
    assert.equal(sr.groups, 4);
    assert.ok(Math.abs(sr.mean - result!.spineVbmdMgPerCm3!) < 1e-3, `SR mean ${sr.mean}, result.json ${result!.spineVbmdMgPerCm3}`);
  },
);

test('train ct-spine reusing the shipped networks: localisation 100 %, Dice > 0.95, out-of-fold predictions and metrics; predict with the model', () => {
  const model = join(out, 'model');
  const trained = runCli(
    ['train', 'ct-spine', '--cohort', join(cohortDir, 'cohort.csv'), '--out', model, '--folds', '2', '--networks', 'models/ct-spine'],
    300_000,
  );
  assert.equal(trained.status, 0, trained.stderr);
  const stages = readJson<{
    localisation: { recall: number; precision: number };
    dice: { network: { mean: number; min: number }; ellipticalRoi: { mean: number } };
  }>(join(model, 'stage-validation.json'));
  console.log(
    `6 SIMULATED series: recall ${stages.localisation.recall}, precision ${stages.localisation.precision}, network Dice mean ${stages.dice.network.mean.toFixed(3)} (min ${stages.dice.network.min.toFixed(3)}), elliptical ROI Dice ${stages.dice.ellipticalRoi.mean.toFixed(3)}`,
  );
  assert.equal(stages.localisation.recall, 1);
  assert.equal(stages.localisation.precision, 1);
  assert.ok(stages.dice.network.mean > 0.95);
  // The ROI is a central slab of the body, not a segmentation: it overlaps the cancellous bone in part only.
  assert.ok(stages.dice.ellipticalRoi.mean > 0.3 && stages.dice.ellipticalRoi.mean < stages.dice.network.mean);
  const predictions = parse(readFileSync(join(model, 'predictions.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(predictions.length, 6);
  for (const method of ['rods', 'phantomless', 'densenet']) assert.ok(existsSync(join(model, `method-${method}`, 'metrics.json')), method);
  assert.ok(existsSync(join(model, 'metrics.json')));
  // (2 folds of 6 series leave 3 per fit, fewer than a recalibration needs: the out-of-fold values may be blank.)
  const perMethod = parse(readFileSync(join(model, 'predictions-densenet.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(perMethod.length, 6);
  assert.ok('spine_vbmd_densenet' in perMethod[0]!);
  const predicted = join(out, 'predicted.csv');
  const p = runCli(['predict', '--model', model, '--cohort', join(cohortDir, 'cohort.csv'), '--out', predicted], 300_000);
  assert.equal(p.status, 0, p.stderr);
  const rowsOut = parse(readFileSync(predicted, 'utf8'), { columns: true }) as Record<string, string>[];
  const truth = new Map(rows().map((r) => [r['case_id'], Number(r['spine_vbmd'])]));
  for (const r of rowsOut) {
    assert.ok(Math.abs(Number(r['spine_vbmd']) - truth.get(r['case_id'])!) < 25, `${r['case_id']}: ${r['spine_vbmd']} vs ${truth.get(r['case_id'])}`);
    assert.ok(
      Math.abs(Number(r['spine_vbmd_densenet']) - truth.get(r['case_id'])!) < 30,
      `${r['case_id']}: DenseNet ${r['spine_vbmd_densenet']} vs ${truth.get(r['case_id'])}`,
    );
  }
});

test('train ct-spine --fine-tune: a cohort with reference QCT only fine-tunes the shipped DenseNet, keeps the image networks, and predicts with it', () => {
  const model = join(out, 'model-fine-tuned');
  const trained = runCli(
    ['train', 'ct-spine', '--cohort', join(cohortDir, 'cohort.csv'), '--out', model, '--fine-tune', 'models/ct-spine', '--epochs', '20,12,8,2'],
    300_000,
  );
  assert.equal(trained.status, 0, trained.stderr);
  assert.match(trained.stderr, /fine-tuning the DenseNet on \d+ levels/);
  assert.match(trained.stderr, /regression: fine-tuned from models\/ct-spine/);
  assert.match(trained.stderr, /segmentation: reused from models\/ct-spine/);
  const description = readJson<{ metrics: { densenetFineTuning?: { epochs?: unknown[] } } }>(join(model, 'model.json'));
  assert.ok(description.metrics.densenetFineTuning !== undefined, 'fine-tuning history in model.json');
  const weights = (dir: string, network: string): Buffer => readFileSync(join(dir, 'networks', network, 'weights.bin'));
  assert.ok(weights(model, 'cancellous-segmentation').equals(weights('models/ct-spine', 'cancellous-segmentation')), 'segmentation network unchanged');
  assert.ok(!weights(model, 'vbmd-densenet').equals(weights('models/ct-spine', 'vbmd-densenet')), 'DenseNet weights changed');
  const predicted = join(out, 'predicted-fine-tuned.csv');
  const p = runCli(['predict', '--model', model, '--cohort', join(cohortDir, 'cohort.csv'), '--out', predicted], 300_000);
  assert.equal(p.status, 0, p.stderr);
  const truth = new Map(rows().map((r) => [r['case_id'], Number(r['spine_vbmd'])]));
  for (const r of parse(readFileSync(predicted, 'utf8'), { columns: true }) as Record<string, string>[]) {
    assert.ok(
      Math.abs(Number(r['spine_vbmd_densenet']) - truth.get(r['case_id'])!) < 30,
      `${r['case_id']}: DenseNet ${r['spine_vbmd_densenet']} vs ${truth.get(r['case_id'])}`,
    );
  }
  // Two different models named for the networks and the fine-tuning: refused before any work.
  const clash = runCli(
    ['train', 'ct-spine', '--cohort', join(cohortDir, 'cohort.csv'), '--out', join(out, 'clash'), '--fine-tune', 'models/ct-spine', '--networks', model],
    60_000,
  );
  assert.equal(clash.status, 2);
  assert.match(clash.stderr, /name different models/);
});

function seriesCopy(name: string): { dir: string; files: string[] } {
  const row = rows()[0]!;
  const dir = join(out, `series-${name}`);
  cpSync(join(cohortDir, row['image']!), dir, { recursive: true });
  return { dir, files: readdirSync(dir).sort() };
}

test('predict with the shipped model: series from a scanner its recalibration never saw (scanner d) carry scanner-not-in-training', () => {
  const predicted = join(out, 'predicted-shipped.csv');
  const p = runCli(['predict', '--model', 'models/ct-spine', '--cohort', join(cohortDir, 'cohort.csv'), '--out', predicted], 300_000);
  assert.equal(p.status, 0, p.stderr);
  const flagged = (parse(readFileSync(predicted, 'utf8'), { columns: true }) as Record<string, string>[]).map(
    (r) => [r['case_id']!, (r['qc_flags'] ?? '').split(' ').includes('scanner-not-in-training')] as const,
  );
  assert.equal(flagged.length, 6);
  for (const [id, isFlagged] of flagged) {
    const scanner = readJson<Truth>(join(cohortDir, 'truth', `${id}.json`)).scanner.scanner;
    assert.equal(isFlagged, scanner === 'scanner-d', `${id} (${scanner})`);
  }
  assert.ok(flagged.some(([, f]) => f) && flagged.some(([, f]) => !f), 'the cohort holds both kinds');
});

test('bad series: missing, duplicate and corrupt slices, too short, not covering L1-L2 -> exit 2 naming the problem', () => {
  const missing = seriesCopy('missing');
  rmSync(join(missing.dir, missing.files[50]!));
  const m = analyze(missing.dir, 'missing');
  assert.equal(m.status, 2);
  assert.match(m.stderr, /missing slice/);
  const duplicate = seriesCopy('duplicate');
  copyFileSync(join(duplicate.dir, duplicate.files[40]!), join(duplicate.dir, 'copy.dcm'));
  const d = analyze(duplicate.dir, 'duplicate');
  assert.equal(d.status, 2);
  assert.match(d.stderr, /duplicate slice/);
  const corrupt = seriesCopy('corrupt');
  truncateSync(join(corrupt.dir, corrupt.files[30]!), 3000);
  const c = analyze(corrupt.dir, 'corrupt');
  assert.equal(c.status, 2);
  assert.ok(c.stderr.includes(corrupt.files[30]!), c.stderr);
  const short = seriesCopy('short');
  for (const f of short.files.slice(10)) rmSync(join(short.dir, f));
  const s = analyze(short.dir, 'short');
  assert.equal(s.status, 2);
  assert.match(s.stderr, /too short/);
  // Only the slices above L1's upper half: L1 and L2 are not in the series.
  const upper = seriesCopy('upper');
  const l1 = readJson<Landmarks>(join(cohortDir, 'landmarks', `${rows()[0]!['case_id']}.json`)).levels.find((l) => l.level === 'L1')!;
  const cut = Math.min(upper.files.length - 26, Math.round(l1.bodyCentroidVoxel[2]) + 6);
  // ct-0001.dcm is the most superior slice: slice k is file number (slices - k).
  for (const f of upper.files.slice(upper.files.length - cut)) rmSync(join(upper.dir, f));
  const u = analyze(upper.dir, 'upper');
  assert.equal(u.status, 2, u.stderr);
  assert.match(u.stderr, /no vBMD|no target vertebra/);
});

test('a localiser is refused, a contrast phase is flagged (dcmodify)', { skip: announceSkip(commandMissing('dcmodify', 'dcmtk')) }, () => {
  const contrast = seriesCopy('contrast');
  const modify = (dir: string, files: string[], tag: string): void => {
    const r = spawnSync('dcmodify', ['-nb', '-i', tag, ...files.map((f) => join(dir, f))], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  modify(contrast.dir, contrast.files, '(0018,0010)=IODINE');
  const c = analyze(contrast.dir, 'contrast');
  assert.equal(c.status, 0, c.stderr);
  assert.ok(c.result!.qcFlags.includes('contrast-enhanced'));
  const scout = seriesCopy('scout');
  modify(scout.dir, scout.files, '(0008,0008)=ORIGINAL\\PRIMARY\\LOCALIZER');
  const s = analyze(scout.dir, 'scout');
  assert.equal(s.status, 2);
  assert.match(s.stderr, /localiser/);
  writeFileSync(join(out, 'done'), 'ok');
});
