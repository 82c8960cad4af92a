/**
 * `npm run bench`: whole-process wall time and peak RSS of reading medical images, on inputs of
 * stated sizes generated here (synthetic values; sizes are what matter). Results go to stdout and
 * bench/results.json. Targets from the foundation issue: the 512x512x300 CT series in < 3 s with
 * peak RSS < 1.5 GiB; the simulator's and the NN engine's below. `npm run bench -- nn` runs the NN
 * part alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCtSeries } from '../test/helpers/ct-series-writer.js';
import { buildPart10, ob, text, us } from '../test/helpers/dicom-bytes.js';
import { compareWedgeSearch } from './wedge-search.js';
import { serviceLoadBench } from './service-load.js';
import { createVolume3D, volumeIndexToPointMm } from '../src/core/volume3d.js';
import { readNifti, writeNifti } from '../src/io/nifti.js';

const root = fileURLToPath(new URL('../../.bench/', import.meta.url));
const child = fileURLToPath(new URL('./inspect-child.js', import.meta.url));
const REPEATS = Number(process.env['OPENBMD_BENCH_REPEATS'] ?? 3);

interface Case {
  name: string;
  input: string;
  prepare: () => void;
  targetSeconds?: number;
  targetRssGiB?: number;
}

function dxFile(path: string): void {
  const columns = 2048;
  const rows = 2560;
  const stored = new Uint16Array(columns * rows);
  for (let j = 0; j < rows; j++) for (let i = 0; i < columns; i++) stored[j * columns + i] = (i * 3 + j * 5) & 0x3fff;
  writeFileSync(
    path,
    buildPart10(
      [
        text(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.1.1'),
        text(0x0008, 0x0060, 'CS', 'DX'),
        us(0x0028, 0x0002, 1),
        text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
        us(0x0028, 0x0010, rows),
        us(0x0028, 0x0011, columns),
        us(0x0028, 0x0100, 16),
        us(0x0028, 0x0101, 14),
        us(0x0028, 0x0102, 13),
        us(0x0028, 0x0103, 0),
        text(0x0018, 0x1164, 'DS', '0.139\\0.139'),
        ob(0x7fe0, 0x0010, new Uint8Array(stored.buffer), 'OW'),
      ],
      { sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1' },
    ),
  );
}

const cases: Case[] = [
  {
    name: 'DX 2048x2560 16-bit, explicit VR LE (one file, 10 MB)',
    input: join(root, 'dx-2048x2560.dcm'),
    prepare: () => dxFile(join(root, 'dx-2048x2560.dcm')),
  },
  {
    name: 'CT series 512x512x300 int16 (300 files, 157 MB)',
    input: join(root, 'ct-512x512x300'),
    prepare: () =>
      writeCtSeries(join(root, 'ct-512x512x300'), {
        rows: 512,
        columns: 512,
        slices: 300,
        sliceSpacingMm: 1.25,
        value: (i, j, k) => ((i - 256) ** 2 + (j - 256) ** 2 < 200 ** 2 ? 1024 + ((i + j + k) % 200) : 0),
      }),
    targetSeconds: 3,
    targetRssGiB: 1.5,
  },
];

mkdirSync(root, { recursive: true });
/** `npm run bench -- nn`, `-- wedge`, `-- forearm`, `-- ct-spine`, `-- lumbar`, `-- startup` or `-- service` runs that part alone and updates only its entry of results.json. */
const onlyNn = process.argv.slice(2).includes('nn');
const onlyWedge = process.argv.slice(2).includes('wedge');
const onlyForearm = process.argv.slice(2).includes('forearm');
const onlyCtSpine = process.argv.slice(2).includes('ct-spine');
const onlyStartup = process.argv.slice(2).includes('startup');
const onlyLumbar = process.argv.slice(2).includes('lumbar');
/** `-- lumbar-analyze`: only the lumbar analyze and predict timings, on the bench's cohort (simulated if missing), merged into the lumbar entry. */
const onlyLumbarAnalyze = process.argv.slice(2).includes('lumbar-analyze');
/** `-- drr`: openbmd drr against plastimatch drr, whole processes, on the real CT and a synthetic 256 x 256 x 200 one. */
const onlyDrr = process.argv.slice(2).includes('drr');
/** `-- hip-ct`: openbmd hip-ct whole processes (a SIMULATED hip CT, the real CT), the registration's seconds per radiograph, and analyze of a hip radiograph with the shipped model. */
const onlyHipCt = process.argv.slice(2).includes('hip-ct');
/** `-- service`: the HTTP service's load test (throughput, latency, peak RSS with 1 and 2 worker processes). */
const onlyService = process.argv.slice(2).includes('service');
const SERVICE_STUDIES = Number(process.env['OPENBMD_BENCH_SERVICE_STUDIES'] ?? 24);
const resultsPath = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
const nnChild = fileURLToPath(new URL('./nn-child.js', import.meta.url));

interface NnFigures {
  samplesPerSecond?: number;
  seconds?: number;
  parameters?: number;
  peakRssMiB: number;
}

/**
 * One-core figures run pinned to one core (taskset): unpinned, V8's background compilation and
 * garbage collection would borrow the idle second core and flatter the single-thread figure.
 */
const canPin = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;

function runNnChild(mode: string, cores: number): NnFigures {
  const command =
    cores === 1 && canPin
      ? (['taskset', ['-c', '0', process.execPath, nnChild, mode, '1']] as const)
      : ([process.execPath, [nnChild, mode, String(cores)]] as const);
  const run = spawnSync(command[0], command[1], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`nn ${mode}: ${run.stderr}`);
  const out = JSON.parse(run.stdout) as Omit<NnFigures, 'peakRssMiB'> & { maxRssKiB: number };
  console.error(`  nn ${mode} on ${cores} core(s): ${JSON.stringify(out)}`);
  return { ...out, peakRssMiB: out.maxRssKiB / 1024 };
}

/**
 * NN engine (issue 5): DenseNet-BC at 128 px (k = 8, blocks 4-4-4, stride-2 stem + pooling) and a
 * U-Net at 256 px (8 base maps, 4 levels); training samples/s over epochs 2-3 (batch 32 and 8),
 * inference samples/s (1,024 and 128 samples, batch 8; two threads include starting them and
 * loading the model folder), and two cross-validation folds of a 32 px DenseNet one after the
 * other vs in parallel.
 */
function nnBench(): Record<string, unknown> {
  const rows: { case: string; cores: number; figures: NnFigures }[] = [];
  for (const [mode, label] of [
    ['densenet-train', 'DenseNet-BC 128 px training (batch 32)'],
    ['densenet-infer', 'DenseNet-BC 128 px inference'],
    ['unet-train', 'U-Net 256 px training (batch 8, Dice loss)'],
    ['unet-infer', 'U-Net 256 px inference'],
  ] as const) {
    for (const cores of [1, 2]) rows.push({ case: label, cores, figures: runNnChild(mode, cores) });
  }
  const foldsSequential = runNnChild('folds', 1);
  const foldsParallel = runNnChild('folds', 2);
  const denseNetTwoCores = rows.find((r) => r.case.startsWith('DenseNet-BC 128 px training') && r.cores === 2)!.figures.samplesPerSecond!;
  const foldSpeedUp = foldsSequential.seconds! / foldsParallel.seconds!;
  console.log(
    `\nNN engine (tfjs wasm backend; one core = one thread${canPin ? ', one-core rows pinned with taskset' : ', taskset missing: one-core rows NOT pinned'})`,
  );
  console.log('| case | cores | samples/s | peak RSS MiB |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.case} | ${r.cores} | ${r.figures.samplesPerSecond!.toFixed(1)} | ${r.figures.peakRssMiB.toFixed(0)} |`);
  console.log(
    `| 2 folds (32 px DenseNet, 192 training images each, 4 epochs) | 1 then 2 | ${foldsSequential.seconds!.toFixed(1)} s -> ${foldsParallel.seconds!.toFixed(1)} s: ${foldSpeedUp.toFixed(2)}x | ${foldsParallel.peakRssMiB.toFixed(0)} |`,
  );
  console.log(
    `targets: >= 20 training samples/s for the 128 px DenseNet on both cores: ${denseNetTwoCores.toFixed(1)}, ${denseNetTwoCores >= 20 ? 'met' : 'NOT met'}; >= 1.7x from the second core for parallel folds: ${foldSpeedUp.toFixed(2)}x, ${foldSpeedUp >= 1.7 ? 'met' : 'NOT met'}`,
  );
  return {
    rows,
    oneCorePinned: canPin,
    folds: { sequentialSeconds: foldsSequential.seconds, parallelSeconds: foldsParallel.seconds, speedUp: foldSpeedUp, peakRssMiB: foldsParallel.peakRssMiB },
    targets: { denseNetTrainingSamplesPerSecondTwoCores: denseNetTwoCores, met: denseNetTwoCores >= 20, foldSpeedUp, foldSpeedUpMet: foldSpeedUp >= 1.7 },
  };
}

/**
 * Step-wedge search (issue 6): three SIMULATED forearm radiographs of 2000 x 2800 pixels at 0.1 mm
 * with the wedge at any rotation; openbmd's search vs OpenCV's exhaustive rotated matchTemplate.
 */
async function wedgeBench(): Promise<Record<string, unknown>> {
  const cohort = forearmBenchCohort();
  const rows = await compareWedgeSearch(cohort, 3);
  console.log(
    '\nStep-wedge search, SIMULATED 2000x2800 forearm radiographs (OpenCV: template rotated every 1 deg over 360, matchTemplate TM_CCORR_NORMED with mask on the 0.5 mm image)',
  );
  console.log('| image | openbmd s | OpenCV s | openbmd / OpenCV | centre difference mm | angle difference deg |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.image} | ${r.openbmdSeconds.toFixed(3)} | ${r.opencvSeconds?.toFixed(3) ?? 'not run'} | ${r.ratio?.toFixed(3) ?? '-'} | ${r.centreDifferenceMm?.toFixed(2) ?? '-'} | ${r.angleDifferenceDeg?.toFixed(2) ?? '-'} |`,
    );
  return { rows };
}

/** One `openbmd` command as a whole process: wall time, and peak RSS from GNU time where it is installed. */
function timedCli(args: readonly string[], what: string): { seconds: number; peakRssMiB: number | null; stderr: string } {
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const gnuTime = existsSync('/usr/bin/time');
  const started = process.hrtime.bigint();
  const run = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${what}: ${run.stderr}`);
  return { seconds, peakRssMiB: gnuTime ? Number(run.stderr.trim().split('\n').pop()) / 1024 : null, stderr: run.stderr };
}

/**
 * Forearm pipeline end to end (issues 6 and 20): `openbmd predict` with the shipped model over the
 * three 2000 x 2800 radiographs (per-image time from the whole process: Node start-up, model load,
 * three images), one whole-process `openbmd analyze` of such an image, and `openbmd analyze` of an
 * image at the simulator's default 833 x 1167 (issue 20's size; median of 3, peak RSS; target
 * < 2.5 s), all outputs written.
 */
function forearmBench(): Record<string, unknown> {
  const cohort = forearmBenchCohort();
  const timed = (args: string[]): number => timedCli(args, `forearm bench ${args[0]}`).seconds;
  const model = join(fileURLToPath(new URL('../../models/forearm', import.meta.url)));
  const predictArgs = (csv: string, out: string): string[] => ['predict', '--model', model, '--cohort', join(cohort, csv), '--out', join(root, out)];
  const analyzeArgs = (folder: string, out: string): string[] => [
    'analyze',
    join(folder, 'images', 'forearm-0001.dcm'),
    '--phantom',
    join(folder, 'phantoms', 'forearm-0001.json'),
    '--out',
    join(root, out),
  ];
  const startup = timed(predictArgs('cohort-1.csv', 'forearm-predict-1.csv'));
  const three = timed(predictArgs('cohort.csv', 'forearm-predict-3.csv'));
  const analyze = timed(analyzeArgs(cohort, 'forearm-analyze'));
  const perImage = (three - startup) / 2;
  const small = forearmBenchCohort({ folder: 'forearm-default', extra: [] });
  const smallRuns = [0, 1, 2].map(() => timedCli(analyzeArgs(small, 'forearm-analyze-default'), 'forearm bench analyze (default size)'));
  const smallSeconds = smallRuns.map((r) => r.seconds).sort((a, b) => a - b)[1]!;
  const smallRss = Math.max(...smallRuns.map((r) => r.peakRssMiB ?? Number.NaN));
  console.log('\nForearm pipeline, SIMULATED 2000x2800 radiographs at 0.1 mm (shipped model, whole process)');
  console.log(
    `| predict, 1 image | ${startup.toFixed(2)} s |\n| predict, 3 images | ${three.toFixed(2)} s |\n| per additional image | ${perImage.toFixed(2)} s (target < 1 s) |\n| analyze, 1 image with overlay, PDF and Secondary Capture | ${analyze.toFixed(2)} s |`,
  );
  console.log(
    `| analyze, one 833 x 1167 image (the simulator's default), median of 3 | ${smallSeconds.toFixed(2)} s (target < 2.5 s)${Number.isFinite(smallRss) ? `, ${smallRss.toFixed(0)} MiB` : ''} |`,
  );
  return {
    predictOneSeconds: startup,
    predictThreeSeconds: three,
    perImageSeconds: perImage,
    analyzeSeconds: analyze,
    targetMet: perImage < 1,
    analyzeDefaultSizeSeconds: smallSeconds,
    analyzeDefaultSizePeakRssMiB: Number.isFinite(smallRss) ? smallRss : null,
    analyzeDefaultSizeTargetMet: smallSeconds < 2.5,
  };
}

/** A 3-image SIMULATED forearm cohort for the benches (2000 x 2800 at 0.1 mm, wedge at any rotation, unless told otherwise). */
function forearmBenchCohort(
  o: { folder: string; extra: readonly string[] } = { folder: 'forearm-0.1mm', extra: ['--pixel-mm', '0.1', '--wedge-max-rotation-deg', '180'] },
): string {
  const cohort = join(root, o.folder);
  if (!existsSync(join(cohort, 'cohort.csv'))) {
    const run = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('../src/cli/main.js', import.meta.url)), 'simulate', 'forearm', '--n', '3', '--out', cohort, '--seed', '31', ...o.extra],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`simulate for the wedge bench: ${run.stderr}`);
  }
  const lines = readFileSync(join(cohort, 'cohort.csv'), 'utf8').trimEnd().split('\n');
  writeFileSync(join(cohort, 'cohort-1.csv'), `${lines.slice(0, 2).join('\n')}\n`);
  return cohort;
}

/**
 * CT spine pipeline (issues 7 and 19): SIMULATED 512x512x300 low-dose series (1 mm slices) with
 * rods, through the shipped model. Whole-process `openbmd analyze` (every output written; median of
 * 3, peak RSS from GNU time where installed; target < 5 s), `openbmd predict` per additional series
 * (1 and 3 series; target < 3 s), and each stage timed on its own in one process.
 */
function ctSpineBench(): Record<string, unknown> {
  const cohort = join(root, 'ct-spine-512x512x300x3');
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const modelDir = fileURLToPath(new URL('../../models/ct-spine', import.meta.url));
  if (!existsSync(join(cohort, 'cohort.csv'))) {
    const run = spawnSync(
      process.execPath,
      [cli, 'simulate', 'ct-spine', '--n', '3', '--out', cohort, '--seed', '57', '--ct-slices', '300', '--slice-mm', '1', '--rod-share', '1'],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`simulate for the ct-spine bench: ${run.stderr}`);
  }
  const lines = readFileSync(join(cohort, 'cohort.csv'), 'utf8').trimEnd().split('\n');
  writeFileSync(join(cohort, 'cohort-1.csv'), `${lines.slice(0, 2).join('\n')}\n`);
  const timed = (args: string[]): { seconds: number; peakRssMiB: number | null } => timedCli(args, `ct-spine bench ${args[0]}`);
  const series = join(cohort, 'images', 'ct-spine-0001');
  const phantom = join(cohort, 'phantoms', 'ct-spine-0001.json');
  const analyzeRuns = [0, 1, 2].map(() =>
    timed(['analyze', series, '--phantom', phantom, '--age', '65', '--sex', 'F', '--out', join(root, 'ct-spine-analyze')]),
  );
  const analyzeSeconds = analyzeRuns.map((r) => r.seconds).sort((a, b) => a - b)[1]!;
  const analyzeRssMiB = analyzeRuns[0]!.peakRssMiB === null ? null : Math.max(...analyzeRuns.map((r) => r.peakRssMiB!));
  const predictOne = timed(['predict', '--model', modelDir, '--cohort', join(cohort, 'cohort-1.csv'), '--out', join(root, 'ct-spine-predict-1.csv')]);
  const predictThree = timed(['predict', '--model', modelDir, '--cohort', join(cohort, 'cohort.csv'), '--out', join(root, 'ct-spine-predict-3.csv')]);
  const perSeriesSeconds = (predictThree.seconds - predictOne.seconds) / 2;
  const run = spawnSync(process.execPath, [fileURLToPath(new URL('./ct-spine-child.js', import.meta.url)), series, phantom, join(root, 'ct-spine-out')], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`ct-spine bench: ${run.stderr}`);
  const r = JSON.parse(run.stdout) as { loadedSeconds: number; analyzeSeconds: number; stages: Record<string, number>; maxRssKiB: number; size: number[] };
  console.log(`\nCT spine pipeline, SIMULATED ${r.size.join('x')} series (shipped model)`);
  console.log(
    `| openbmd analyze, whole process (median of 3; start, model load, series read, every output written) | ${analyzeSeconds.toFixed(2)} s (target < 5 s) | ${analyzeRssMiB === null ? '' : `${analyzeRssMiB.toFixed(0)} MiB`} |`,
  );
  console.log(`| openbmd predict, 1 series | ${predictOne.seconds.toFixed(2)} s | |`);
  console.log(`| openbmd predict, 3 series | ${predictThree.seconds.toFixed(2)} s | |`);
  console.log(`| per additional series inside predict | ${perSeriesSeconds.toFixed(2)} s (target < 3 s) | |`);
  console.log(`| in one process: analyze, series read to report written | ${r.analyzeSeconds.toFixed(2)} s | |`);
  for (const [stage, seconds] of Object.entries(r.stages)) console.log(`| stage: ${stage} | ${seconds.toFixed(2)} s | |`);
  return {
    size: r.size,
    analyzeWholeProcessSeconds: analyzeSeconds,
    analyzeRuns: analyzeRuns.map((x) => x.seconds),
    analyzePeakRssMiB: analyzeRssMiB,
    predictOneSeconds: predictOne.seconds,
    predictThreeSeconds: predictThree.seconds,
    predictPerSeriesSeconds: perSeriesSeconds,
    inProcess: { loadedSeconds: r.loadedSeconds, analyzeSeconds: r.analyzeSeconds, stages: r.stages, peakRssMiB: r.maxRssKiB / 1024 },
    targetMet: analyzeSeconds < 5 && perSeriesSeconds < 3,
  };
}

/** The bench's lumbar cohort (simulated once, seed 61, vendors a-c) and its manifest's lines. */
function lumbarBenchCohort(): { n: number; cohort: string; lines: string[] } {
  const n = Number(process.env['OPENBMD_BENCH_LUMBAR_N'] ?? 300);
  const cohort = join(root, `lumbar-${n}`);
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  if (!existsSync(join(cohort, 'cohort.csv'))) {
    console.error(`simulating ${n} lumbar studies for the bench ...`);
    const run = spawnSync(
      process.execPath,
      [cli, 'simulate', 'lumbar', '--n', String(n), '--out', cohort, '--seed', '61', '--vendors', 'vendor-a,vendor-b,vendor-c', '--workers', '2'],
      { encoding: 'utf8', stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (run.status !== 0) throw new Error('simulate for the lumbar bench failed');
  }
  return { n, cohort, lines: readFileSync(join(cohort, 'cohort.csv'), 'utf8').trimEnd().split('\n') };
}

/** One whole-process `analyze` of an AP + lateral study (median of 3, every output) and the time per further study inside `predict`. */
function lumbarAnalyzeBench(): Record<string, unknown> {
  const { cohort, lines } = lumbarBenchCohort();
  const modelDir = fileURLToPath(new URL('../../models/lumbar', import.meta.url));
  writeFileSync(join(cohort, 'cohort-1.csv'), `${lines.slice(0, 2).join('\n')}\n`);
  writeFileSync(join(cohort, 'cohort-6.csv'), `${lines.slice(0, 7).join('\n')}\n`);
  const images = join(cohort, 'images');
  const analyzeRuns = [0, 1, 2].map(() =>
    timedCli(
      ['analyze', join(images, 'lumbar-0001-ap.dcm'), join(images, 'lumbar-0001-lat.dcm'), '--age', '65', '--sex', 'F', '--out', join(root, 'lumbar-analyze')],
      'lumbar bench analyze',
    ),
  );
  const analyzeSeconds = analyzeRuns.map((r) => r.seconds).sort((a, b) => a - b)[1]!;
  const analyzeRssMiB = analyzeRuns[0]!.peakRssMiB === null ? null : Math.max(...analyzeRuns.map((r) => r.peakRssMiB!));
  const predict = (csv: string): number =>
    timedCli(['predict', '--model', modelDir, '--cohort', join(cohort, csv), '--out', join(root, `lumbar-${csv}`)], 'lumbar bench predict').seconds;
  const perStudySeconds = (predict('cohort-6.csv') - predict('cohort-1.csv')) / 5;
  console.log(`\nLumbar analyze, a SIMULATED AP + lateral study (lumbar-0001 of the bench cohort), shipped model`);
  console.log(
    `| openbmd analyze, AP + lateral, every output (median of 3) | ${analyzeSeconds.toFixed(2)} s (target < 2 s) | ${analyzeRssMiB === null ? '' : `${analyzeRssMiB.toFixed(0)} MiB`} |`,
  );
  console.log(`| per additional study inside predict | ${perStudySeconds.toFixed(2)} s | |`);
  return {
    analyzeMeasuredAt: new Date().toISOString(),
    analyzeWholeProcessSeconds: analyzeSeconds,
    analyzeRuns: analyzeRuns.map((r) => r.seconds),
    analyzePeakRssMiB: analyzeRssMiB,
    predictPerStudySeconds: perStudySeconds,
    analyzeTargetMet: analyzeSeconds < 2,
  };
}

/**
 * Lumbar pipeline (issue 21), on a SIMULATED cohort of N adults (AP + lateral, vendors a-c; N = 300
 * unless OPENBMD_BENCH_LUMBAR_N says otherwise): `train lumbar --folds 5` as a hospital runs it
 * (its cohort has no masks, so the shipped locators are reused; BMD networks AP+LAT and AP with
 * covariates, default epochs; target 300 people within 40 min), with the training samples/s train
 * reports; whole-process `analyze` of one AP + lateral study with every output (median of 3, target
 * < 2 s; `-- lumbar-analyze` re-times only these); `predict` per additional study.
 */
function lumbarBench(): Record<string, unknown> {
  const { n, cohort, lines } = lumbarBenchCohort();
  const modelDir = fileURLToPath(new URL('../../models/lumbar', import.meta.url));
  const analyze = lumbarAnalyzeBench();
  console.error(`training lumbar on ${n} studies with 5 folds (shipped locators reused) ...`);
  // A fresh folder: an earlier run's checkpoints would resume (or, from other code, be refused) instead of training.
  const out = join(root, 'lumbar-model');
  rmSync(out, { recursive: true, force: true });
  const train = timedCli(
    ['train', 'lumbar', '--cohort', join(cohort, 'cohort.csv'), '--folds', '5', '--networks', modelDir, '--seed', '1', '--out', out],
    'lumbar bench train',
  );
  const rates = [...train.stderr.matchAll(/([0-9.]+) samples\/s/g)].map((m) => Number(m[1]));
  const medianRate = rates.length === 0 ? null : [...rates].sort((a, b) => a - b)[rates.length >> 1]!;
  console.log(`\nLumbar pipeline, SIMULATED studies (AP + lateral, ${lines.length - 1} people), shipped locators`);
  console.log(
    `| openbmd train lumbar --folds 5, ${lines.length - 1} people (${2 * (lines.length - 1)} radiographs) | ${(train.seconds / 60).toFixed(1)} min (target for 300 people < 40 min) | ${train.peakRssMiB === null ? '' : `${train.peakRssMiB.toFixed(0)} MiB`} |`,
  );
  console.log(`| training samples/s (median over the networks trained) | ${medianRate === null ? '-' : medianRate.toFixed(1)} | |`);
  return {
    people: lines.length - 1,
    trainSeconds: train.seconds,
    trainPeakRssMiB: train.peakRssMiB,
    trainingSamplesPerSecond: rates,
    trainTargetMet: lines.length - 1 >= 300 ? train.seconds < 40 * 60 : null,
    ...analyze,
  };
}

/**
 * How fast the command line starts (issue 18): whole-process wall time, median of 5, of commands
 * that load no NN, plot or PDF code (--version, --help, inspect of a 2048x2560 DX). Peak RSS from
 * GNU time where it is installed.
 */
function startupBench(): Record<string, unknown> {
  const dx = cases[0]!;
  if (!existsSync(dx.input)) dx.prepare();
  const figures: Record<string, { medianSeconds: number; peakRssMiB: number | null }> = {};
  for (const [name, args] of [
    ['openbmd --version', ['--version']],
    ['openbmd --help', ['--help']],
    ['openbmd inspect (DX 2048x2560, 10 MB)', ['inspect', dx.input, '--json']],
  ] as const) {
    const seconds: number[] = [];
    let rss: number | null = null;
    for (let r = 0; r < 5; r++) {
      const run = timedCli(args, name);
      seconds.push(run.seconds);
      if (run.peakRssMiB !== null) rss = Math.max(rss ?? 0, run.peakRssMiB);
    }
    const median = [...seconds].sort((a, b) => a - b)[2]!;
    figures[name] = { medianSeconds: median, peakRssMiB: rss };
  }
  console.log('\nCommand-line start-up (whole process, median of 5)');
  for (const [name, f] of Object.entries(figures))
    console.log(`| ${name} | ${f.medianSeconds.toFixed(2)} s | ${f.peakRssMiB === null ? '' : `${f.peakRssMiB.toFixed(0)} MiB`} |`);
  return figures;
}

/** A volume both tools read alike: identity direction (plastimatch's drr ignores a NIfTI's direction). */
async function drrBenchVolumes(): Promise<{ name: string; file: string; isocenter: readonly number[] }[]> {
  const volumes: { name: string; file: string; isocenter: readonly number[] }[] = [];
  const synthetic = join(root, 'drr-synthetic-256x256x200.nii.gz');
  if (!existsSync(synthetic)) {
    // Water body (ellipse 300 x 220 mm), a bone column (1000 HU) and air around it; 1.2 mm voxels, 2 mm slices.
    const [nx, ny, nz] = [256, 256, 200];
    const data = new Int16Array(nx * ny * nz);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const [x, y] = [(i - 127.5) * 1.2, (j - 127.5) * 1.2];
          const body = (x / 150) ** 2 + (y / 110) ** 2 < 1;
          const bone = x * x + (y - 40) ** 2 < 18 ** 2;
          data[i + nx * (j + ny * k)] = bone ? 1000 : body ? 40 : -1000;
        }
    await writeNifti(synthetic, createVolume3D({ data, size: [nx, ny, nz], spacingMm: [1.2, 1.2, 2], originMm: [-153, -153, -199], unit: 'HU' }));
  }
  volumes.push({ name: 'synthetic 256 x 256 x 200 (int16)', file: synthetic, isocenter: [0, 0, 0] });
  const real = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/example_ct.nii.gz', import.meta.url));
  if (existsSync(real)) {
    const ct = await readNifti(real, { unit: 'HU' });
    const [nx, ny, nz] = ct.size;
    // The same voxels written with an identity direction: the first of them at the far corner of i and j.
    const flipped = new Float32Array(nx * ny * nz);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) flipped[i + nx * (j + ny * k)] = Number(ct.data[nx - 1 - i + nx * (ny - 1 - j + ny * k)]);
    const file = join(root, 'drr-real-ct-identity.nii.gz');
    const origin = volumeIndexToPointMm(ct, nx - 1, ny - 1, 0);
    await writeNifti(file, createVolume3D({ data: flipped, size: ct.size, spacingMm: ct.spacingMm, originMm: origin, unit: 'HU' }));
    volumes.push({
      name: `the real CT of ../shared/realdata (${nx} x ${ny} x ${nz}, 3 mm)`,
      file,
      isocenter: volumeIndexToPointMm(ct, (nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2),
    });
  }
  return volumes;
}

/**
 * Issue 22: a 512 x 512 AP DRR (0.84 mm pixels, SAD 1000, SID 1500) by `openbmd drr` (attenuation at
 * 50 keV, threads = cores) and by plastimatch's `drr` (exact algorithm, its own HU conversion),
 * each the whole process, median of REPEATS; ratio = plastimatch's time / openbmd's (> 1: openbmd faster).
 */
async function drrBench(): Promise<Record<string, unknown>> {
  const plastimatch = spawnSync('sh', ['-c', 'command -v plastimatch'], { encoding: 'utf8' }).status === 0;
  const rows: Record<string, unknown>[] = [];
  for (const v of await drrBenchVolumes()) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      ours.push(
        timedCli(
          ['drr', v.file, '--out', join(root, 'drr-out'), '--detector', '512,512', '--pixel-mm', '0.84,0.84', '--isocenter', v.isocenter.join(',')],
          'drr bench',
        ).seconds,
      );
      if (!plastimatch) continue;
      const started = process.hrtime.bigint();
      const run = spawnSync(
        'plastimatch',
        [
          'drr',
          '-I',
          v.file,
          '-O',
          join(root, 'drr-pl-'),
          '-t',
          'pfm',
          '-r',
          '512 512',
          '-z',
          '430 430',
          '--sad',
          '1000',
          '--sid',
          '1500',
          '-n',
          '0 -1 0',
          '--vup',
          '0 0 1',
          '-o',
          v.isocenter.join(' '),
          '-i',
          'exact',
        ],
        { encoding: 'utf8' },
      );
      if (run.status !== 0) throw new Error(`plastimatch drr: ${run.stderr}`);
      theirs.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    const median = (xs: number[]): number | null => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
    const [o, p] = [median(ours)!, median(theirs)];
    rows.push({ volume: v.name, openbmdSeconds: o, plastimatchSeconds: p, ratio: p === null ? null : p / o });
    console.log(
      `| ${v.name} | openbmd ${o.toFixed(2)} s | plastimatch ${p?.toFixed(2) ?? 'not installed'} s | ratio ${p === null ? '-' : (p / o).toFixed(2)} |`,
    );
  }
  // Node's own start-up, a floor under every openbmd figure above (plastimatch has none such).
  const nodeStarts = Array.from({ length: REPEATS }, () => {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return Number(process.hrtime.bigint() - started) / 1e9;
  }).sort((a, b) => a - b);
  const nodeStartSeconds = nodeStarts[Math.floor(nodeStarts.length / 2)]!;
  console.log(`| Node's start-up alone (node -e 0), in every openbmd run above | ${nodeStartSeconds.toFixed(2)} s |`);
  return { detector: '512 x 512, 0.84 mm, SAD 1000 mm, SID 1500 mm, AP', rows, nodeStartSeconds };
}

/**
 * Issue 22's CT side: `openbmd hip-ct` as a whole process on a SIMULATED hip CT (256 x 256 x 120,
 * 1.6 x 1.6 x 2 mm; one person simulated here if missing) and on the real CT of ../shared/realdata
 * (122 x 101 x 112, 3 mm) when present, median of the repeats with peak RSS; then the 2D-3D
 * registration of the simulated CT to each of its four radiographs (860 x 700 at 0.5 mm), seconds
 * each (issue 22: under 10 s).
 */
function hipCtBench(): Record<string, unknown> {
  const cohort = join(root, 'hip');
  if (!existsSync(join(cohort, 'cohort.csv'))) timedCli(['simulate', 'hip', '--n', '1', '--seed', '5', '--out', cohort], 'simulate hip for the bench');
  const real = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/example_ct.nii.gz', import.meta.url));
  const inputs = [{ name: 'SIMULATED hip CT 256 x 256 x 120', input: join(cohort, 'images', 'hip-0001-ct') }];
  if (existsSync(real)) inputs.push({ name: 'real CT 122 x 101 x 112 (NIfTI, 3 mm)', input: real });
  const rows: Record<string, unknown>[] = [];
  for (const v of inputs) {
    const runs = Array.from({ length: REPEATS }, () => timedCli(['hip-ct', v.input, '--out', join(root, 'hip-ct-out')], 'hip-ct bench'));
    const seconds = [...runs.map((r) => r.seconds)].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    const rss = Math.max(...runs.map((r) => r.peakRssMiB ?? 0));
    rows.push({ input: v.name, seconds, peakRssMiB: rss || null });
    console.log(`| hip-ct ${v.name} | ${seconds.toFixed(2)} s | ${rss ? rss.toFixed(0) : '-'} MiB |`);
  }
  const registerChild = fileURLToPath(new URL('./hip-register-child.js', import.meta.url));
  const run = spawnSync(process.execPath, [registerChild, cohort, 'hip-0001'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`hip registration bench: ${run.stderr}`);
  const { seconds } = JSON.parse(run.stdout) as { seconds: number[] };
  console.log(`| registration, SIMULATED radiographs 860 x 700 | ${seconds.map((s) => s.toFixed(1)).join(', ')} s per radiograph (target < 10 s) |`);
  // analyze with the shipped hip model: one radiograph, every output written (issue 22: under 2 s).
  const analyzeRuns = Array.from({ length: REPEATS }, () =>
    timedCli(['analyze', join(cohort, 'images', 'hip-0001-standing.dcm'), '--out', join(root, 'hip-analyze')], 'hip analyze bench'),
  );
  const analyzeSeconds = [...analyzeRuns.map((r) => r.seconds)].sort((a, b) => a - b)[Math.floor(analyzeRuns.length / 2)]!;
  const analyzeRss = Math.max(...analyzeRuns.map((r) => r.peakRssMiB ?? 0));
  console.log(`| analyze, SIMULATED AP pelvis 860 x 700 | ${analyzeSeconds.toFixed(2)} s | ${analyzeRss ? analyzeRss.toFixed(0) : '-'} MiB (target < 2 s) |`);
  return {
    hipCt: rows,
    registrationSecondsPerRadiograph: seconds,
    analyzeRadiograph: { input: 'SIMULATED AP pelvis 860 x 700, 0.5 mm', seconds: analyzeSeconds, peakRssMiB: analyzeRss || null },
  };
}

if (onlyNn || onlyWedge || onlyForearm || onlyCtSpine || onlyStartup || onlyLumbar || onlyLumbarAnalyze || onlyDrr || onlyHipCt || onlyService) {
  const previous = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>) : {};
  const update = onlyService
    ? { serviceMeasuredAt: new Date().toISOString(), service: await serviceLoadBench({ root, studies: SERVICE_STUDIES }) }
    : onlyHipCt
      ? { hipCtMeasuredAt: new Date().toISOString(), hipCt: hipCtBench() }
      : onlyDrr
        ? { drrMeasuredAt: new Date().toISOString(), drr: await drrBench() }
        : onlyLumbarAnalyze
          ? { lumbar: { ...((previous['lumbar'] as Record<string, unknown> | null | undefined) ?? {}), ...lumbarAnalyzeBench() } }
          : onlyNn
            ? { nnMeasuredAt: new Date().toISOString(), nn: nnBench() }
            : onlyWedge
              ? { wedgeMeasuredAt: new Date().toISOString(), wedgeSearch: await wedgeBench() }
              : onlyForearm
                ? { forearmMeasuredAt: new Date().toISOString(), forearm: forearmBench() }
                : onlyCtSpine
                  ? { ctSpineMeasuredAt: new Date().toISOString(), ctSpine: ctSpineBench() }
                  : onlyLumbar
                    ? { lumbarMeasuredAt: new Date().toISOString(), lumbar: lumbarBench() }
                    : { startupMeasuredAt: new Date().toISOString(), startup: startupBench() };
  writeFileSync(resultsPath, `${JSON.stringify({ ...previous, ...update }, null, 2)}\n`);
  process.exit(0);
}

const results = cases.map((c) => {
  if (!existsSync(c.input)) {
    console.error(`preparing ${c.name} ...`);
    c.prepare();
  }
  const runs: { seconds: number; maxRssMiB: number }[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [child, c.input], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status !== 0) throw new Error(`${c.name}: ${run.stderr}`);
    const out = JSON.parse(run.stdout) as { maxRssKiB: number };
    runs.push({ seconds, maxRssMiB: out.maxRssKiB / 1024 });
    console.error(`  ${c.name}: run ${r + 1}/${REPEATS} ${seconds.toFixed(2)} s, ${(out.maxRssKiB / 1024).toFixed(0)} MiB`);
  }
  const best = Math.min(...runs.map((r) => r.seconds));
  const median = [...runs.map((r) => r.seconds)].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  const peak = Math.max(...runs.map((r) => r.maxRssMiB));
  const meetsTime = c.targetSeconds === undefined ? null : median < c.targetSeconds;
  const meetsRss = c.targetRssGiB === undefined ? null : peak < c.targetRssGiB * 1024;
  return {
    case: c.name,
    repeats: REPEATS,
    medianSeconds: median,
    bestSeconds: best,
    peakRssMiB: peak,
    targetSeconds: c.targetSeconds ?? null,
    targetRssGiB: c.targetRssGiB ?? null,
    meetsTime,
    meetsRss,
  };
});

console.log('\nopenbmd bench: whole-process `inspect` (read + decode + statistics), node', process.version);
console.log('| case | median s | best s | peak RSS MiB | target |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  const target = r.targetSeconds === null ? '-' : `< ${r.targetSeconds} s, < ${r.targetRssGiB} GiB: ${r.meetsTime && r.meetsRss ? 'met' : 'NOT met'}`;
  console.log(`| ${r.case} | ${r.medianSeconds.toFixed(2)} | ${r.bestSeconds.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${target} |`);
}
// Simulator: 100 forearm radiographs at 0.24 mm (833 x 1167 pixels), both cores, whole process;
// and one 512 x 512 x 250 low-dose CT case (one case runs on one core).
const simulateChild = fileURLToPath(new URL('./simulate-child.js', import.meta.url));
function runSimulateChild(site: string, n: number): { seconds: number; peakRssMiB: number } {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [simulateChild, site, String(n), join(root, `simulate-${site}-${n}`)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`simulate ${site}: ${run.stderr}`);
  return { seconds, peakRssMiB: (JSON.parse(run.stdout) as { maxRssKiB: number }).maxRssKiB / 1024 };
}
const forearmRun = runSimulateChild('forearm', 100);
const simulate = {
  case: 'simulate forearm, 100 images 833x1167 at 0.24 mm, 2 worker threads',
  seconds: forearmRun.seconds,
  secondsPerImage: forearmRun.seconds / 100,
  peakRssMiB: forearmRun.peakRssMiB,
  targetSecondsPerImage: 1.5,
  targetRssGiB: 3,
  met: forearmRun.seconds / 100 < 1.5 && forearmRun.peakRssMiB < 3 * 1024,
};
console.log(
  `| ${simulate.case} | ${simulate.seconds.toFixed(1)} s total, ${simulate.secondsPerImage.toFixed(2)} s/image | | ${simulate.peakRssMiB.toFixed(0)} | < 1.5 s/image, < 3 GiB: ${simulate.met ? 'met' : 'NOT met'} |`,
);
const ctRun = runSimulateChild('ct-spine', 1);
const simulateCt = {
  case: 'simulate ct-spine, one 512x512x250 case at 0.75 x 0.75 x 1.25 mm with rods (DICOM series + 3 NIfTI masks), whole process',
  seconds: ctRun.seconds,
  peakRssMiB: ctRun.peakRssMiB,
  targetSeconds: 20,
  targetRssGiB: 3,
  met: ctRun.seconds < 20 && ctRun.peakRssMiB < 3 * 1024,
};
console.log(
  `| ${simulateCt.case} | ${simulateCt.seconds.toFixed(1)} s | | ${simulateCt.peakRssMiB.toFixed(0)} | < 20 s, < 3 GiB: ${simulateCt.met ? 'met' : 'NOT met'} |`,
);

const nn = nnBench();
const wedgeSearch = await wedgeBench();
const forearm = forearmBench();
const ctSpine = ctSpineBench();
const lumbar = lumbarBench();
const startup = startupBench();
const service = await serviceLoadBench({ root, studies: SERVICE_STUDIES });
writeFileSync(
  resultsPath,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, results, simulate, simulateCt, nnMeasuredAt: new Date().toISOString(), nn, wedgeMeasuredAt: new Date().toISOString(), wedgeSearch, forearmMeasuredAt: new Date().toISOString(), forearm, ctSpineMeasuredAt: new Date().toISOString(), ctSpine, lumbarMeasuredAt: new Date().toISOString(), lumbar, startupMeasuredAt: new Date().toISOString(), startup, serviceMeasuredAt: new Date().toISOString(), service }, null, 2)}\n`,
);
