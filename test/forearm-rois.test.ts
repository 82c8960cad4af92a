// Seed 000's ROI and Eq. [2] steps on SIMULATED forearm radiographs, with the simulator's key
// points and body mask standing in for the landmark and segmentation networks (not built yet):
// the radius square equals the simulator's, the ROI's equivalent thickness follows the thickness
// over the ground-truth ROI (the bound: r >= 0.906), and Eq. [2] fitted on training folds
// predicts held-out aBMD. Eq. [2]'s least squares equals numpy's lstsq.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readStepWedgePhantom } from '../src/calibration/step-wedge/step-wedge-phantom.js';
import { calibratedThicknessMm } from '../src/calibration/step-wedge/step-wedge-calibration.js';
import { dicomFrameToImage2D } from '../src/io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { readRasterImage } from '../src/io/raster-image.js';
import { applyAbmdEquation, fitAbmdEquation } from '../src/pipelines/forearm/abmd-equation.js';
import type { Point } from '../src/pipelines/forearm/forearm-roi-geometry.js';
import { foregroundFromLabels, measureForearm } from '../src/pipelines/forearm/measure-forearm.js';
import { REFUSING_FLAGS, reportedAbmd } from '../src/pipelines/forearm/analyze-forearm.js';
import { pearsonCorrelation } from '../src/stats/pearson-correlation.js';
import { runCli } from './helpers/cli.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const N = 30;
const dir = join(tempDir('forearm-rois-'), 'cohort');
const simulated = runCli(['simulate', 'forearm', '--n', String(N), '--out', dir, '--seed', '41'], 600_000);
// The same children, anatomy and exposures with 20 % less bone mineral: what responds to bone, and what must not.
const lessBoneDir = join(tempDir('forearm-rois-'), 'less-bone');
const lessBone = runCli(['simulate', 'forearm', '--n', String(N), '--out', lessBoneDir, '--seed', '41', '--mineral-factor', '0.8'], 600_000);

async function measureCase(
  root: string,
  id: string,
): Promise<{
  truth: number;
  geometry: ReturnType<typeof measureForearm>['geometry'];
  calibration: ReturnType<typeof measureForearm>['calibration'];
  rois: ReturnType<typeof measureForearm>['rois'];
  image: Awaited<ReturnType<typeof dicomFrameToImage2D>>;
  landmarks: { keyPoints: { pixel: Point }[]; radiusRoiSquare: Point[] };
  truthRoi: Awaited<ReturnType<typeof readRasterImage>>;
}> {
  const image = dicomFrameToImage2D(await readDicomFile(join(root, 'images', `${id}.dcm`)));
  const [columns, rows] = image.size;
  const phantom = readStepWedgePhantom(join(root, 'phantoms', `${id}.json`));
  const landmarks = JSON.parse(readFileSync(join(root, 'landmarks', `${id}.json`), 'utf8')) as { keyPoints: { pixel: Point }[]; radiusRoiSquare: Point[] };
  const truth = JSON.parse(readFileSync(join(root, 'truth', `${id}.json`), 'utf8')) as { forearmAbmdGPerCm2: number };
  const spacing: [number, number] = [image.spacingMm[1], image.spacingMm[0]];
  const labels = await readRasterImage(join(root, 'masks', `${id}-labels.png`), { spacingMm: spacing });
  const truthRoi = await readRasterImage(join(root, 'masks', `${id}-radius-roi.png`), { spacingMm: spacing });
  // The simulator's key points and body mask stand in for the networks (test/forearm-pipeline tests those).
  const keyPoints: [Point, Point] = [landmarks.keyPoints[0]!.pixel, landmarks.keyPoints[1]!.pixel];
  const measured = measureForearm(image, phantom, keyPoints, foregroundFromLabels(labels.data, columns, rows));
  return { truth: truth.forearmAbmdGPerCm2, ...measured, image, landmarks, truthRoi };
}

test("ROIs from the key points: the simulator's square, ROI thickness r >= 0.906 vs the ground-truth ROI, Eq. [2] cross-validated", async () => {
  assert.equal(simulated.status, 0, simulated.stderr);
  const rows: { abmd: number; radiusMm: number; seed000RadiusMm: number; softMm: number; underMm: number; truthRoiMm: number }[] = [];
  let flagged = 0;
  for (let i = 1; i <= N; i++) {
    const id = `forearm-${String(i).padStart(4, '0')}`;
    const { truth, geometry, calibration, rois: measured, image, landmarks, truthRoi } = await measureCase(dir, id);
    geometry.radiusSquare.forEach((corner, c) =>
      assert.ok(Math.hypot(corner[0] - landmarks.radiusRoiSquare[c]![0], corner[1] - landmarks.radiusRoiSquare[c]![1]) < 0.01, `${id}: square corner ${c}`),
    );
    assert.ok(geometry.background.length >= 1, `${id}: no background square`);
    if (geometry.flags.length > 0) flagged += 1;
    let sum = 0;
    let count = 0;
    for (let k = 0; k < truthRoi.data.length; k++) {
      if (Number(truthRoi.data[k]) > 0) {
        sum += Number(image.data[k]);
        count += 1;
      }
    }
    assert.ok(measured.baseline.rowsFitted >= 0.9 * measured.baseline.rows, `${id}: ${measured.baseline.rowsFitted}/${measured.baseline.rows} baseline rows`);
    rows.push({
      abmd: truth,
      radiusMm: measured.radiusThicknessMm,
      softMm: measured.seed000.softTissueThicknessMm,
      seed000RadiusMm: measured.seed000.radiusThicknessMm,
      underMm: measured.softTissueUnderRadiusMm,
      // On the same curve and background as the measured ROI.
      truthRoiMm: calibratedThicknessMm(calibration, sum / count - measured.backgroundGrey + calibration.backgroundGrey),
    });
  }
  const roiR = pearsonCorrelation(
    rows.map((r) => r.radiusMm),
    rows.map((r) => r.truthRoiMm),
  ).r;
  const crossValidated = (radius: (r: (typeof rows)[number]) => number, soft: (r: (typeof rows)[number]) => number): number => {
    const predicted: number[] = new Array<number>(N);
    for (let fold = 0; fold < 5; fold++) {
      const train = rows.filter((_, i) => i % 5 !== fold);
      const equation = fitAbmdEquation(
        train.map(radius),
        train.map(soft),
        train.map((r) => r.abmd),
      );
      rows.forEach((r, i) => {
        if (i % 5 === fold) predicted[i] = applyAbmdEquation(equation, radius(r), soft(r));
      });
    }
    return pearsonCorrelation(
      predicted,
      rows.map((r) => r.abmd),
    ).r;
  };
  const cvR = crossValidated(
    (r) => r.seed000RadiusMm,
    (r) => r.softMm,
  );
  const cvUnderR = crossValidated(
    (r) => r.radiusMm,
    (r) => r.underMm,
  );
  console.log(
    `forearm ROIs on ${N} SIMULATED radiographs (true key points and body mask): ROI equivalent thickness vs ground-truth ROI r = ${roiR.toFixed(4)}; Eq. [2] 5-fold CV r vs true aBMD (one equation, mixed detectors) = ${cvR.toFixed(4)} with seed 000's inputs (the wedge's line, the rectangle), ${cvUnderR.toFixed(4)} with openbmd's (the wedge's curve, the soft tissue beneath the radius); ${flagged} case(s) with ROI flags`,
  );
  assert.ok(roiR >= 0.906, `ROI thickness r ${roiR}`);
  assert.ok(cvR > 0.85, `cross-validated r ${cvR}`);
  assert.ok(cvUnderR > 0.88, `cross-validated r with the soft tissue beneath the radius ${cvUnderR}`);
});

test('the soft tissue beneath the radius does not follow the bone: 20 % less mineral changes T_b, not T_t', async () => {
  assert.equal(simulated.status, 0, simulated.stderr);
  assert.equal(lessBone.status, 0, lessBone.stderr);
  const changes: { bone: number; under: number; rectangle: number; truth: number }[] = [];
  for (let i = 1; i <= N; i++) {
    const id = `forearm-${String(i).padStart(4, '0')}`;
    const full = await measureCase(dir, id);
    const less = await measureCase(lessBoneDir, id);
    changes.push({
      truth: full.truth - less.truth,
      bone: full.rois.radiusThicknessMm - less.rois.radiusThicknessMm,
      under: full.rois.softTissueUnderRadiusMm - less.rois.softTissueUnderRadiusMm,
      rectangle: full.rois.softTissueThicknessMm - less.rois.softTissueThicknessMm,
    });
  }
  const mean = (f: (c: (typeof changes)[number]) => number): number => changes.reduce((s, c) => s + f(c), 0) / changes.length;
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const bone = mean((c) => c.bone);
  const under = mean((c) => c.under);
  console.log(
    `20 % less mineral, same ${N} SIMULATED children: true aBMD -${mean((c) => c.truth).toFixed(4)} g/cm2; radius T_b -${bone.toFixed(3)} mm; soft tissue beneath the radius ${(-under).toFixed(3)} mm; soft-tissue rectangle ${(-mean((c) => c.rectangle)).toFixed(3)} mm (median ${(-median(changes.map((c) => c.rectangle))).toFixed(3)}, ${changes.filter((c) => c.rectangle > 0.1 * c.bone).length} of ${N} cases moved by over a tenth of T_b)`,
  );
  assert.ok(changes.every((c) => c.truth > 0 && c.bone > 0));
  // The baseline is fitted on bone-free pixels: its change is noise, under a tenth of the bone's.
  assert.ok(Math.abs(under) < 0.1 * bone, `baseline moved ${under} mm with the bone's ${bone} mm`);
});

const skipNumpy = announceSkip(pythonModulesMissing(['numpy'], 'python3-numpy'));

test('Eq. [2] least squares: exact data give back P, Q and R; noisy data equal numpy lstsq', { skip: skipNumpy }, () => {
  const tb = [8.1, 9.5, 10.2, 11.7, 12.4, 9.9, 13.1, 10.8];
  const tt = [2.2, 4.1, 1.5, 3.3, 2.8, 5.0, 3.9, 1.1];
  const exact = tb.map((b, i) => 0.05 * (b - 0.3 * tt[i]!) - 0.1);
  const e = fitAbmdEquation(tb, tt, exact);
  assert.ok(Math.abs(e.pGPerCm2PerMm - 0.05) < 1e-12 && Math.abs(e.q - 0.3) < 1e-10 && Math.abs(e.rGPerCm2 + 0.1) < 1e-12, JSON.stringify(e));
  const noisy = exact.map((v, i) => v + 0.01 * Math.sin(7 * i));
  const fit = fitAbmdEquation(tb, tt, noisy);
  const reference = runPythonJson<number[]>(
    'import json, sys, numpy as np\nd = json.load(sys.stdin)\nx = np.column_stack([d["tb"], d["tt"], np.ones(len(d["tb"]))])\nprint(json.dumps(np.linalg.lstsq(x, np.array(d["y"]), rcond=None)[0].tolist()))',
    { tb, tt, y: noisy },
  );
  const ours = [fit.pGPerCm2PerMm, -fit.pGPerCm2PerMm * fit.q, fit.rGPerCm2];
  ours.forEach((v, k) => assert.ok(Math.abs(v - reference[k]!) < 1e-10, `coefficient ${k}: ${v} vs ${reference[k]}`));
});

test('the reported aBMD: none beside a flag that refuses it; flags that only warn keep it', () => {
  assert.equal(reportedAbmd({ abmdGPerCm2: 0.412, flags: [] }), 0.412);
  assert.equal(reportedAbmd({ abmdGPerCm2: 0.412, flags: ['detector-not-in-training'] }), 0.412);
  for (const refusing of REFUSING_FLAGS) assert.equal(reportedAbmd({ abmdGPerCm2: 0.412, flags: ['detector-not-in-training', refusing] }), undefined, refusing);
  // A poor wedge fit only warns (the calibration follows the wedge's curve); a saturated wedge refuses.
  assert.equal(reportedAbmd({ abmdGPerCm2: 0.412, flags: ['wedge-calibration-poor-fit'] }), 0.412);
  assert.equal(reportedAbmd({ abmdGPerCm2: 0.412, flags: ['wedge-steps-saturated'] }), undefined);
});
