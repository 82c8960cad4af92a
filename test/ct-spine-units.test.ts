// Closed-form checks of the CT spine pipeline's pieces: rod detection and fit on a synthetic phantom,
// canonical reorientation, the L1-L2 / T12 substitution rule, least squares, ages from DICOM dates,
// the DenseNet's input, and the fat-scaled age term of the recalibration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCtRods } from '../src/calibration/ct-rods/find-ct-rods.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { createVolume3D, volumeIndexToPointMm } from '../src/core/volume3d.js';
import type { Matrix3 } from '../src/core/geometry.js';
import { canonicalVolume, readCtSpineSeries } from '../src/pipelines/ct-spine/ct-spine-series.js';
import { join } from 'node:path';
import { writeCtSeries } from './helpers/ct-series-writer.js';
import { tempDir } from './helpers/temp-dir.js';
import type { LevelMeasurement } from '../src/pipelines/ct-spine/measure-ct-spine.js';
import { erodeRegion, reportedLevels } from '../src/pipelines/ct-spine/measure-ct-spine.js';
import { leastSquares } from '../src/stats/least-squares.js';
import { ageFromDates } from '../src/io/dicom/patient-age.js';
import type { Recalibration } from '../src/pipelines/ct-spine/ct-spine-model.js';
import { calibratedReportedVbmd, reportedVbmd } from '../src/pipelines/ct-spine/analyze-ct-spine.js';
import { ageCovariate, recalibrate } from '../src/pipelines/ct-spine/ct-spine-model.js';
import { SEGMENTATION_CROP } from '../src/pipelines/ct-spine/ct-spine-networks.js';
import type { CtSpineCaseMeasurement } from '../src/pipelines/ct-spine/measure-ct-spine-case.js';
import { fitRecalibration, seriesForRecalibration } from '../src/pipelines/ct-spine/recalibration-fit.js';
import {
  REGRESSION_CHANNELS,
  REGRESSION_CROP,
  REGRESSION_MINERAL_SCALE_MG,
  mirrorRegressionInput,
  vbmdRegressionInput,
} from '../src/pipelines/ct-spine/vbmd-regression-input.js';
import { levelsFoundBySpacing } from '../src/pipelines/ct-spine/levels-by-spacing.js';

test('rods in a water block are found where they are and fitted: slope and intercept as built, r > 0.999', () => {
  const n = 200;
  const slices = 10;
  const pixelMm = 0.8;
  const random = new SeededRandom(5);
  const data = new Float32Array(n * n * slices);
  const slope = 1.3;
  const offset = 4;
  const rods = [0, 50, 100, 200].map((mg, i) => ({ mg, x: 40 + i * 32 }));
  for (let k = 0; k < slices; k++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const xMm = i * pixelMm;
        const yMm = j * pixelMm;
        let hu = -1000;
        if (yMm > 100 && yMm < 140 && xMm > 10 && xMm < 150) hu = offset; // the water block
        if (yMm <= 100 && Math.hypot(xMm - 80, yMm - 60) < 40) hu = 40 + (Math.hypot(xMm - 80, yMm - 70) < 12 ? 600 : 0); // a patient with a bone
        for (const r of rods) if (Math.hypot(xMm - r.x, yMm - 120) < 9) hu = offset + slope * r.mg;
        data[i + n * (j + n * k)] = hu + 20 * random.nextNormal();
      }
    }
  }
  const volume = createVolume3D({ data, size: [n, n, slices], spacingMm: [pixelMm, pixelMm, 2], unit: 'HU' });
  const found = findCtRods(
    volume,
    { kind: 'ct-rods', rods: [{ mgPerCm3: 0 }, { mgPerCm3: 50 }, { mgPerCm3: 100 }, { mgPerCm3: 200 }], material: 'HA', rodDiameterMm: 18 },
    [0, slices - 1],
  );
  assert.ok(found.ok, found.ok ? '' : found.problem);
  const c = found.calibration;
  console.log(`synthetic rods: slope ${c.slopeHuPerMg.toFixed(4)} HU per mg/cm3, intercept ${c.interceptHu.toFixed(2)} HU, r ${c.r.toFixed(5)}`);
  assert.ok(Math.abs(c.slopeHuPerMg - slope) < 0.02);
  assert.ok(Math.abs(c.interceptHu - offset) < 2);
  assert.ok(c.r > 0.999);
  for (const r of rods) {
    if (r.mg === 0) continue;
    const rod = c.rods.find((x) => x.mgPerCm3 === r.mg)!;
    assert.ok(Math.hypot(rod.centreMm[0] - r.x, rod.centreMm[1] - 120) < 1.7, `${r.mg}: ${rod.centreMm.join(', ')}`);
  }
});

test('no rods in the field is a clear problem, not a calibration', () => {
  const n = 64;
  const data = new Float32Array(n * n * 4).fill(-1000);
  const volume = createVolume3D({ data, size: [n, n, 4], spacingMm: [1, 1, 2], unit: 'HU' });
  const found = findCtRods(volume, { kind: 'ct-rods', rods: [{ mgPerCm3: 0 }, { mgPerCm3: 100 }], material: 'HA', rodDiameterMm: 18 }, [0, 3]);
  assert.equal(found.ok, false);
  assert.match(found.ok ? '' : found.problem, /no rod phantom found/);
});

test('canonical reorientation flips reversed axes and keeps every voxel at its patient position', () => {
  const size = [3, 4, 5] as const;
  const data = Float32Array.from({ length: 60 }, (_, p) => p);
  const direction: Matrix3 = [-1, 0, 0, 0, 1, 0, 0, 0, -1];
  const volume = createVolume3D({ data, size, spacingMm: [0.5, 0.7, 2], originMm: [10, 20, 30], direction, unit: 'HU' });
  const canonical = canonicalVolume(volume, 'test');
  assert.deepEqual(
    [...canonical.direction].map((v) => v + 0),
    [1, 0, 0, 0, 1, 0, 0, 0, 1],
  );
  for (const [i, j, k] of [
    [0, 0, 0],
    [2, 1, 4],
    [1, 3, 2],
  ] as const) {
    const value = canonical.data[i + 3 * (j + 4 * k)]!;
    const [si, sj, sk] = [value % 3, Math.floor(value / 3) % 4, Math.floor(value / 12)];
    const a = volumeIndexToPointMm(canonical, i, j, k);
    const b = volumeIndexToPointMm(volume, si, sj, sk);
    for (let d = 0; d < 3; d++) assert.ok(Math.abs(a[d]! - b[d]!) < 1e-9, `${i},${j},${k}: ${a.join(',')} vs ${b.join(',')}`);
  }
});

test('L1 and L2 are reported; T12 substitutes one non-measurable level; fewer than two gives none', () => {
  const level = (name: 'T12' | 'L1' | 'L2', notMeasurable: string | null): LevelMeasurement => ({ level: name, notMeasurable }) as unknown as LevelMeasurement;
  assert.deepEqual(reportedLevels([level('T12', null), level('L1', null), level('L2', null)]), { levels: ['L1', 'L2'], substituted: null });
  assert.deepEqual(reportedLevels([level('T12', null), level('L1', 'fracture-like height loss'), level('L2', null)]), {
    levels: ['T12', 'L2'],
    substituted: 'T12',
  });
  assert.equal(reportedLevels([level('T12', 'not found'), level('L1', null), level('L2', 'not found')]), null);
});

test('erosion of a 4x4x4 cube keeps its 2x2x2 core', () => {
  const offsets: number[] = [];
  for (let k = 1; k < 5; k++) for (let j = 1; j < 5; j++) for (let i = 1; i < 5; i++) offsets.push(i + 6 * (j + 6 * k));
  assert.equal(erodeRegion({ size: [6, 6, 6] }, { offsets: Int32Array.from(offsets) }).offsets.length, 8);
});

test('least squares recovers an exact plane and refuses collinear inputs', () => {
  const rows = [
    [1, 0, 0],
    [1, 1, 0],
    [1, 0, 1],
    [1, 2, 3],
    [1, -1, 5],
  ];
  const y = rows.map((r) => 2 + 3 * r[1]! - 0.5 * r[2]!);
  const [a, b, c] = leastSquares(rows, y, 'plane') as [number, number, number];
  assert.ok(Math.abs(a - 2) < 1e-9 && Math.abs(b - 3) < 1e-9 && Math.abs(c + 0.5) < 1e-9);
  assert.throws(
    () =>
      leastSquares(
        [
          [1, 1, 2],
          [1, 2, 4],
          [1, 3, 6],
        ],
        [1, 2, 3],
        'collinear',
      ),
    /collinear/,
  );
});

test('age from DICOM dates', () => {
  assert.ok(Math.abs(ageFromDates('19500615', '20200615')! - 70) < 0.01);
  assert.equal(ageFromDates(undefined, '20200615'), undefined);
  assert.equal(ageFromDates('2020', '20200615'), undefined);
});

test('a series whose slices lean 30 degrees off the axial plane is refused as not axial', async () => {
  const folder = join(tempDir(), 'oblique');
  const angle = (30 * Math.PI) / 180;
  // Slices stacked along their own normal (no gantry tilt), the normal 30 degrees from +z.
  writeCtSeries(folder, {
    rows: 16,
    columns: 16,
    slices: 20,
    sliceSpacingMm: 4,
    value: () => 1024,
    orientation: [1, 0, 0, 0, Math.cos(angle), Math.sin(angle)],
    tiltShiftMm: -4 * Math.tan(angle),
  });
  await assert.rejects(readCtSpineSeries(folder), /not axial: its slices lie 30 degrees off/);
});

test('the DenseNet input: the segmentation eroded by a voxel, pooled 2x2 in-plane into probability and normalised probability x mineral; mirroring twice is the identity', () => {
  const [dz, dy, dx] = SEGMENTATION_CROP.size;
  const hu = new Float32Array(dz * dy * dx).fill(0);
  const probability = new Float32Array(hu.length);
  // A segmented box (z 2-17, y 4-43, x 4-19) at 150 HU whose outer layer is cortex-bright (1000 HU):
  // erosion leaves the 150 HU interior only.
  const inBox = (z: number, y: number, x: number): boolean => z >= 2 && z < 18 && y >= 4 && y < 44 && x >= 4 && x < 20;
  for (let z = 0; z < dz; z++)
    for (let y = 0; y < dy; y++)
      for (let x = 0; x < dx; x++) {
        if (!inBox(z, y, x)) continue;
        const o = (z * dy + y) * dx + x;
        probability[o] = 0.9;
        hu[o] = inBox(z - 1, y, x) && inBox(z + 1, y, x) && inBox(z, y - 1, x) && inBox(z, y + 1, x) && inBox(z, y, x - 1) && inBox(z, y, x + 1) ? 150 : 1000;
      }
  const mineral = (h: number): number => 2 * h; // a calibration of 0.5 HU per mg/cm3
  const input = vbmdRegressionInput(hu, probability, mineral);
  const [rz, ry, rx] = REGRESSION_CROP.size;
  assert.deepEqual([rz, ry, rx], [20, 24, 24]);
  assert.equal(input.length, rz * ry * rx * REGRESSION_CHANNELS);
  const at = (z: number, y: number, x: number, c: number): number => input[((z * ry + y) * rx + x) * REGRESSION_CHANNELS + c]!;
  // Interior: z 3-16, y 5-42, x 5-18 -> pooled x 2 holds x 4 (eroded) and 5 (kept).
  assert.ok(Math.abs(at(8, 10, 5, 0) - 0.9) < 1e-6);
  assert.ok(Math.abs(at(8, 10, 2, 0) - 0.45) < 1e-6);
  assert.equal(at(2, 10, 5, 0), 0);
  assert.equal(at(8, 10, 12, 0), 0);
  // Pooled over the crop, the mineral channel is the weighted mean mineral of the interior: 300 mg/cm3, no cortex.
  let pooled = 0;
  for (let i = 1; i < input.length; i += REGRESSION_CHANNELS) pooled += input[i]!;
  assert.ok(Math.abs((pooled / (rz * ry * rx)) * REGRESSION_MINERAL_SCALE_MG - 300) < 1e-3, `${(pooled / (rz * ry * rx)) * REGRESSION_MINERAL_SCALE_MG}`);
  const mirrored = mirrorRegressionInput(input);
  assert.equal(mirrored[((8 * ry + 10) * rx + (rx - 1 - 2)) * REGRESSION_CHANNELS]!, at(8, 10, 2, 0));
  assert.deepEqual(mirrorRegressionInput(mirrored), input);
  const upsideDown = mirrorRegressionInput(input, { x: false, z: true });
  assert.equal(upsideDown[(((rz - 1 - 3) * ry + 10) * rx + 2) * REGRESSION_CHANNELS]!, at(3, 10, 2, 0));
  assert.deepEqual(mirrorRegressionInput(upsideDown, { x: false, z: true }), input);
});

test('the age term scaled by the fat mineral equivalent carries a recalibration to an energy the cohort did not have; age alone does not', () => {
  // Calibrated vBMD = truth - (fat fraction x fat equivalent), fat fraction = 0.2 + 0.0065 (age - 20):
  // single-energy QCT's marrow-fat error. Fitted on scans at 76-78 mg/cm3 equivalents, applied at 68.
  const random = new SeededRandom(7);
  const cases = (n: number, equivalents: number[]): CtSpineCaseMeasurement[] =>
    Array.from({ length: n }, (_, i) => {
      const ageYears = 40 + 45 * random.nextFloat();
      const truth = 180 - 1.3 * (ageYears - 40) + 10 * random.nextNormal();
      const equivalent = equivalents[i % equivalents.length]!;
      const calibrated = truth - (0.2 + 0.0065 * (ageYears - 20)) * equivalent;
      return {
        caseId: `c${i}`,
        patientId: `p${i}`,
        referenceVbmdMgPerCm3: truth,
        ageYears,
        rodsMgPerCm3: calibrated,
        phantomlessMgPerCm3: null,
        densenetMgPerCm3: null,
        fatMineralEquivalentMgPerCm3: equivalent,
        qcFlags: [],
      } as unknown as CtSpineCaseMeasurement;
    });
  const fit = fitRecalibration(cases(120, [76, 78]), 'rods')!;
  assert.ok(fit.withAge !== undefined);
  assert.ok(Math.abs(fit.withAge.fatEquivalentReferenceMgPerCm3! - 77) < 1e-9);
  const unseen = cases(60, [68]);
  const bias = (useEquivalent: boolean): number =>
    unseen.reduce(
      (t, m) =>
        t +
        recalibrate(fit, {
          calibratedMgPerCm3: m.rodsMgPerCm3,
          ageYears: m.ageYears,
          fatEquivalentMgPerCm3: useEquivalent ? m.fatMineralEquivalentMgPerCm3 : null,
        })! -
        m.referenceVbmdMgPerCm3!,
      0,
    ) / unseen.length;
  // The fat error at 68 is (0.2 + 0.0065 (age - 20)) x 9 mg/cm3 less than at 77: about 4 mg/cm3 at these ages.
  // The scaled term follows its age part; the part of the fat fraction that does not grow with age
  // (0.07) stays in the intercept: 0.07 x 9 = 0.63 mg/cm3 is what remains.
  assert.ok(Math.abs(bias(true) - 0.63) < 0.15, `scaled: bias ${bias(true)}`);
  assert.ok(bias(false) > 3, `age alone: bias ${bias(false)}`);
  assert.equal(ageCovariate(60, null, 77), 60);
  assert.ok(Math.abs(ageCovariate(60, 70, 77) - (60 * 70) / 77) < 1e-12);
});

test('the age term is fitted within scanners: a scanner-dependent fat equivalent and calibration offset do not leak into it', () => {
  // Marrow fat as in the scaled-age test; each scanner's calibration off by an offset of its own,
  // and its fat equivalent set by its tube voltage (66 at 100 kVp, 88 at 140). The scaled age then
  // differs between the scanners by about 18 "years", so a plain pooled fit puts the scanners'
  // 30 mg/cm3 offset difference into the age term.
  const random = new SeededRandom(23);
  const scanners: Record<string, { equivalent: number; offset: number }> = { low: { equivalent: 66, offset: 15 }, high: { equivalent: 88, offset: -15 } };
  const cases = Object.entries(scanners).flatMap(([scanner, { equivalent, offset }]) =>
    Array.from({ length: 60 }, (_, i) => {
      const ageYears = 40 + 45 * random.nextFloat();
      const truth = 180 - 1.3 * (ageYears - 40) + 10 * random.nextNormal();
      return {
        caseId: `${scanner}${i}`,
        patientId: `${scanner}${i}`,
        scanner,
        referenceVbmdMgPerCm3: truth,
        ageYears,
        rodsMgPerCm3: null,
        phantomlessMgPerCm3: truth - (0.2 + 0.0065 * (ageYears - 20)) * equivalent + offset + random.nextNormal(),
        densenetMgPerCm3: null,
        fatMineralEquivalentMgPerCm3: equivalent,
        qcFlags: [],
      } as unknown as CtSpineCaseMeasurement;
    }),
  );
  const fit = fitRecalibration(cases, 'phantomless')!;
  const withAge = fit.withAge!;
  // The true term: 0.0065 of the fat fraction per year times the reference equivalent (77).
  assert.ok(Math.abs(withAge.fatEquivalentReferenceMgPerCm3! - 77) < 1e-9);
  assert.ok(Math.abs(withAge.agePerYear - 0.0065 * 77) < 0.05, `within scanners: ${withAge.agePerYear}`);
  assert.ok(Math.abs(withAge.slope - 1) < 0.02, `slope ${withAge.slope}`);
  // What the plain pooled fit makes of the same cases (the form this replaced).
  const reference = 77;
  const [, , pooledAge] = leastSquares(
    cases.map((m) => [1, m.phantomlessMgPerCm3!, ageCovariate(m.ageYears!, m.fatMineralEquivalentMgPerCm3, reference)]),
    cases.map((m) => m.referenceVbmdMgPerCm3!),
    'pooled',
  ) as [number, number, number];
  assert.ok(Math.abs(pooledAge - 0.0065 * 77) > 0.5, `pooled: ${pooledAge}`);
  // The intercept kept is the scanners' mean: a scanner between them is met without bias on average.
  const midway = cases.map(
    (m) =>
      recalibrate(
        { ...fit, byScanner: {} },
        { calibratedMgPerCm3: m.referenceVbmdMgPerCm3! - (0.2 + 0.0065 * (m.ageYears! - 20)) * 77, ageYears: m.ageYears, fatEquivalentMgPerCm3: 77 },
      )! - m.referenceVbmdMgPerCm3!,
  );
  const bias = midway.reduce((a, b) => a + b, 0) / midway.length;
  assert.ok(Math.abs(bias) < 1.5, `midway scanner bias ${bias}`);
});

test("a scanner's own fit reads every series at the scanner's mean HU per mg/cm3, not the series' own noisy fit", () => {
  // Each series' fitted energy scatters (its HU per mg/cm3 by 6 %) about its scanner's, so its
  // calibrated vBMD is off by that factor; the scanner's true HU per mg/cm3 is the same for all.
  const random = new SeededRandom(31);
  const scanners: Record<string, number> = { A: 1.6, B: 1.9 };
  const cases = Object.entries(scanners).flatMap(([scanner, huPerMg]) =>
    Array.from({ length: 40 }, (_, i) => {
      const truth = 60 + 140 * random.nextFloat();
      const seriesHuPerMg = huPerMg * (1 + 0.06 * random.nextNormal());
      const calibrated = (truth * huPerMg) / seriesHuPerMg + 0.5 * random.nextNormal();
      return {
        caseId: `${scanner}${i}`,
        patientId: `${scanner}${i}`,
        scanner,
        referenceVbmdMgPerCm3: truth,
        rodsMgPerCm3: calibrated,
        phantomlessMgPerCm3: calibrated,
        densenetMgPerCm3: null,
        fatMineralEquivalentMgPerCm3: null,
        phantomlessHuPerMgPerCm3: seriesHuPerMg,
        qcFlags: [],
      } as unknown as CtSpineCaseMeasurement;
    }),
  );
  const phantomless = fitRecalibration(cases, 'phantomless')!;
  const rods = fitRecalibration(cases, 'rods')!;
  const residualSd = (fit: Recalibration, method: 'rods' | 'phantomless'): number => {
    const errors = cases.map((m) => recalibrate(fit, { ...seriesForRecalibration(m), calibratedMgPerCm3: m[`${method}MgPerCm3`] })! - m.referenceVbmdMgPerCm3!);
    return Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
  };
  for (const [scanner, huPerMg] of Object.entries(scanners)) {
    const own = phantomless.byScanner![scanner]!;
    assert.ok(Math.abs(own.huPerMgPerCm3! / huPerMg - 1) < 0.025, `${scanner}: ${own.huPerMgPerCm3}`);
    assert.ok(Math.abs(own.slope - 1) < 0.02, `${scanner}: slope ${own.slope}`);
    // The rods have their own calibration: no HU per mg/cm3 of the phantomless one.
    assert.equal(rods.byScanner![scanner]!.huPerMgPerCm3, undefined);
  }
  // The same values through the rods' fit keep each series' 6 % (about 8 mg/cm3); moved, the noise is left.
  assert.ok(residualSd(phantomless, 'phantomless') < 1, `moved: ${residualSd(phantomless, 'phantomless')}`);
  assert.ok(residualSd(rods, 'rods') > 5, `as read: ${residualSd(rods, 'rods')}`);
  // A scanner the fit never saw gets the whole cohort's line, on the series' own reading.
  const unseen = recalibrate(phantomless, { calibratedMgPerCm3: 100, ageYears: undefined, fatEquivalentMgPerCm3: null, scanner: 'C', huPerMgPerCm3: 2.2 });
  assert.equal(unseen, phantomless.interceptMgPerCm3 + phantomless.slope * 100);
});

test("per-scanner recalibration: each scanner with 20 or more reference cases gets its own line, the others the whole cohort's", () => {
  // A phantomless calibration off by a factor and an offset of its own on each scanner.
  const random = new SeededRandom(11);
  const lines: Record<string, [number, number]> = { A: [0.85, 10], B: [1.1, -8], C: [1.0, 0] };
  const counts: Record<string, number> = { A: 40, B: 40, C: 10 };
  const cases = Object.entries(counts).flatMap(([scanner, n]) =>
    Array.from({ length: n }, (_, i) => {
      const truth = 60 + 140 * random.nextFloat();
      const [gain, offset] = lines[scanner]!;
      return {
        caseId: `${scanner}${i}`,
        patientId: `${scanner}${i}`,
        scanner,
        referenceVbmdMgPerCm3: truth,
        rodsMgPerCm3: null,
        phantomlessMgPerCm3: gain * truth + offset + 2 * random.nextNormal(),
        densenetMgPerCm3: null,
        fatMineralEquivalentMgPerCm3: null,
        qcFlags: [],
      } as unknown as CtSpineCaseMeasurement;
    }),
  );
  const fit = fitRecalibration(cases, 'phantomless')!;
  assert.deepEqual(Object.keys(fit.byScanner ?? {}).sort(), ['A', 'B']);
  for (const scanner of ['A', 'B']) {
    const own = fit.byScanner![scanner]!;
    const [gain, offset] = lines[scanner]!;
    // The inverse of the scanner's line: slope 1/gain, intercept -offset/gain.
    assert.ok(Math.abs(own.slope - 1 / gain) < 0.02, `${scanner}: slope ${own.slope}`);
    assert.ok(Math.abs(own.interceptMgPerCm3 + offset / gain) < 3, `${scanner}: intercept ${own.interceptMgPerCm3}`);
    assert.ok(Math.abs(recalibrate(fit, { calibratedMgPerCm3: gain * 150 + offset, ageYears: undefined, fatEquivalentMgPerCm3: null, scanner })! - 150) < 2);
  }
  // Scanner C (10 cases) and a scanner never seen get the pooled line, which misses A's and B's own.
  assert.equal(
    recalibrate(fit, { calibratedMgPerCm3: 150, ageYears: undefined, fatEquivalentMgPerCm3: null, scanner: 'C' }),
    recalibrate(fit, { calibratedMgPerCm3: 150, ageYears: undefined, fatEquivalentMgPerCm3: null, scanner: 'unseen' }),
  );
  assert.equal(
    recalibrate(fit, { calibratedMgPerCm3: 150, ageYears: undefined, fatEquivalentMgPerCm3: null, scanner: 'unseen' }),
    fit.interceptMgPerCm3 + fit.slope * 150,
  );
  assert.ok(Math.abs(recalibrate(fit, { calibratedMgPerCm3: 0.85 * 150 + 10, ageYears: undefined, fatEquivalentMgPerCm3: null })! - 150) > 5);
});

test('a weak T12 peak is its level only where L1 and L2 put it: near the extrapolated row, in their column, inside the field', () => {
  // L1 at row 87, L2 at row 101: spacing 14 rows, so T12 is expected at row 73 (+-4.2).
  const found = [false, true, true];
  const at = (t12: [number, number], confidence = 0.3, rows = 200): boolean =>
    levelsFoundBySpacing([t12, [91, 87], [92, 101]], [confidence, 0.7, 0.8], found, rows)[0]!;
  assert.equal(at([90, 74]), true);
  assert.equal(at([90, 77.1]), true);
  assert.equal(at([90, 77.3]), false, 'more than 30 % of a spacing off');
  assert.equal(at([97.6, 74]), false, 'more than 5 pixels across');
  assert.equal(at([90, 74], 0.19), false, 'below the weak-peak threshold');
  assert.equal(at([90, 74], 0.3, 76), false, 'at the bottom edge of a 76-row field');
  // Interpolated in the middle too, and never with only one level found.
  assert.deepEqual(
    levelsFoundBySpacing(
      [
        [91, 73],
        [91, 88],
        [92, 101],
      ],
      [0.8, 0.25, 0.8],
      [true, false, true],
      200,
    ),
    [false, true, false],
  );
  assert.deepEqual(
    levelsFoundBySpacing(
      [
        [90, 74],
        [91, 87],
        [92, 101],
      ],
      [0.3, 0.3, 0.8],
      [false, false, true],
      200,
    ),
    [false, false, false],
  );
  // Order reversed (L2 above L1): no spacing to trust.
  assert.deepEqual(
    levelsFoundBySpacing(
      [
        [90, 74],
        [91, 101],
        [92, 87],
      ],
      [0.3, 0.7, 0.8],
      found,
      200,
    ),
    [false, false, false],
  );
});

test('an enhanced series (iodine in the marrow reads as mineral) stays out of the recalibration fit', () => {
  const measurement = (i: number, enhanced: boolean): CtSpineCaseMeasurement => {
    const truth = 60 + 12 * i;
    return {
      caseId: `c${i}`,
      patientId: `p${i}`,
      referenceVbmdMgPerCm3: truth,
      rodsMgPerCm3: enhanced ? truth + 40 : 0.9 * truth + 5,
      phantomlessMgPerCm3: null,
      densenetMgPerCm3: null,
      fatMineralEquivalentMgPerCm3: null,
      qcFlags: enhanced ? ['contrast-enhanced'] : [],
    } as unknown as CtSpineCaseMeasurement;
  };
  const cohort = Array.from({ length: 12 }, (_, i) => measurement(i, i % 4 === 1));
  const fit = fitRecalibration(cohort, 'rods')!;
  assert.equal(fit.n, 9);
  // The unenhanced follow calibrated = 0.9 truth + 5 exactly, so the fit inverts it.
  assert.ok(Math.abs(fit.slope - 1 / 0.9) < 1e-9 && Math.abs(fit.interceptMgPerCm3 + 5 / 0.9) < 1e-9, `${fit.slope}, ${fit.interceptMgPerCm3}`);
});

test('the reported vBMD: rods where they calibrated, else phantomless; none beside a flag that refuses the number', () => {
  const byMethod = { rods: 101, phantomless: 97, densenet: 99 };
  assert.deepEqual(reportedVbmd({ byMethod, flags: [] }), { mgPerCm3: 101, method: 'rods' });
  assert.deepEqual(reportedVbmd({ byMethod: { ...byMethod, rods: null }, flags: ['level-count-disagrees'] }), { mgPerCm3: 97, method: 'phantomless' });
  // Levels out of order: which vertebrae were measured is in doubt, so no number is reported.
  assert.equal(reportedVbmd({ byMethod, flags: ['level-count-disagrees', 'level-order-inconsistent'] }), null);
  // The DenseNet alone is never the reported number (it is reported beside a calibration, not instead of one).
  assert.equal(calibratedReportedVbmd({ rods: null, phantomless: null, densenet: 99 }), null);
});
