// Step-wedge detection and per-image calibration (seed 000, steps 2-3) on simulated forearm
// radiographs whose wedge pose is known: every wedge found at any rotation with its angle and
// centre, a different wedge geometry found from its own description, the calibration linear and
// monotonic; no wedge, a description that does not match, and a wedge partly outside the image
// are refused with INVALID_VALUE naming the file; OpenCV's exhaustive rotated search agrees.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { calibrateStepWedge } from '../src/calibration/step-wedge/step-wedge-calibration.js';
import { findStepWedge } from '../src/calibration/step-wedge/find-step-wedge.js';
import { readStepWedgePhantom } from '../src/calibration/step-wedge/step-wedge-phantom.js';
import type { StepWedgePhantom } from '../src/calibration/step-wedge/step-wedge-phantom.js';
import { OpenBmdError } from '../src/core/errors.js';
import { createImage2D } from '../src/core/image2d.js';
import type { Image2D } from '../src/core/image2d.js';
import { dicomFrameToImage2D } from '../src/io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { compareWedgeSearch } from '../bench/wedge-search.js';
import { runCli } from './helpers/cli.js';
import { pythonModulesMissing } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

interface Truth {
  corners: [number, number][];
  stepCenters: [number, number][];
}

const out = tempDir('wedge-');
const rotated = join(out, 'rotated');
const other = join(out, 'other');
const simulated = runCli(['simulate', 'forearm', '--n', '8', '--out', rotated, '--seed', '21', '--wedge-max-rotation-deg', '180'], 300_000);
const simulatedOther = runCli(
  [
    'simulate',
    'forearm',
    '--n',
    '3',
    '--out',
    other,
    '--seed',
    '22',
    '--wedge-steps',
    '1,2,3,4,5,6',
    '--wedge-step-length-mm',
    '8',
    '--wedge-width-mm',
    '12',
    '--wedge-max-rotation-deg',
    '180',
  ],
  300_000,
);

// Rooms of every processing family (range compression, S-curves, film-like responses, shutters, lead markers, grid lines).
const rooms = join(out, 'rooms');
const simulatedRooms = runCli(
  ['simulate', 'forearm', '--n', '10', '--out', rooms, '--seed', '23', '--processing', 'film-like,multiscale,linear-raw,power-law'],
  300_000,
);

async function loadCase(dir: string, id: string): Promise<{ image: Image2D; phantom: StepWedgePhantom; truth: Truth; file: string }> {
  const file = join(dir, 'images', `${id}.dcm`);
  return {
    image: dicomFrameToImage2D(await readDicomFile(file)),
    phantom: readStepWedgePhantom(join(dir, 'phantoms', `${id}.json`)),
    truth: (JSON.parse(readFileSync(join(dir, 'landmarks', `${id}.json`), 'utf8')) as { wedge: Truth }).wedge,
    file,
  };
}

function poseErrors(
  stepCenters: [number, number][],
  angleRad: number,
  truth: Truth,
  pixelMm: number,
): { angleDeg: number; centreMm: number; worstStepMm: number } {
  const t = truth.stepCenters;
  const n = t.length;
  const trueAngle = Math.atan2(t[n - 1]![1] - t[0]![1], t[n - 1]![0] - t[0]![0]);
  const angleDeg = Math.abs(((((angleRad - trueAngle) * 180) / Math.PI + 540) % 360) - 180);
  const mean = (points: [number, number][], k: 0 | 1): number => points.reduce((s, p) => s + p[k], 0) / points.length;
  const centreMm = Math.hypot(mean(stepCenters, 0) - mean(t, 0), mean(stepCenters, 1) - mean(t, 1)) * pixelMm;
  const worstStepMm = Math.max(...stepCenters.map((p, i) => Math.hypot(p[0] - t[i]![0], p[1] - t[i]![1]))) * pixelMm;
  return { angleDeg, centreMm, worstStepMm };
}

test('the wedge is found at any rotation; angle < 1 deg, step centres < 1 mm; calibration monotonic with r > 0.99', async () => {
  assert.equal(simulated.status, 0, simulated.stderr);
  assert.equal(simulatedOther.status, 0, simulatedOther.stderr);
  const lines: string[] = [];
  const ids = [
    ...Array.from({ length: 8 }, (_, i) => [rotated, `forearm-${String(i + 1).padStart(4, '0')}`]),
    ...Array.from({ length: 3 }, (_, i) => [other, `forearm-${String(i + 1).padStart(4, '0')}`]),
  ] as [string, string][];
  for (const [dir, id] of ids) {
    const { image, phantom, truth, file } = await loadCase(dir, id);
    const found = findStepWedge(image, phantom, {}, file);
    const errors = poseErrors(found.stepCenters, found.pose.angleRad, truth, image.spacingMm[0]);
    const calibration = calibrateStepWedge(image, phantom, found.pose);
    lines.push(
      `${dir === other ? '6-step' : '4-step'} ${id}: score ${found.score.toFixed(4)}, angle ${((found.pose.angleRad * 180) / Math.PI).toFixed(1)} deg (error ${errors.angleDeg.toFixed(2)}), centre error ${errors.centreMm.toFixed(2)} mm, worst step ${errors.worstStepMm.toFixed(2)} mm, calibration r ${calibration.r.toFixed(5)}`,
    );
    assert.ok(errors.angleDeg < 1, `${id}: angle error ${errors.angleDeg}`);
    assert.ok(errors.worstStepMm < 1, `${id}: step error ${errors.worstStepMm} mm`);
    assert.deepEqual(calibration.flags, [], `${id}: ${calibration.flags.join(', ')}`);
    assert.ok(calibration.r > 0.99, `${id}: r ${calibration.r}`);
    assert.ok(calibration.slopeMmPerGrey > 0);
    assert.ok(calibration.stepPixels.every((p) => p > 50));
  }
  console.log(`step wedge detection on SIMULATED forearm radiographs:\n${lines.join('\n')}`);
});

test("the wedge is found in rooms of every processing family; step centres < 1 mm; the wedge's curve rises from its own background", async () => {
  assert.equal(simulatedRooms.status, 0, simulatedRooms.stderr);
  const lines: string[] = [];
  let saturated = 0;
  for (let i = 1; i <= 10; i++) {
    const id = `forearm-${String(i).padStart(4, '0')}`;
    const { image, phantom, truth, file } = await loadCase(rooms, id);
    const family = (JSON.parse(readFileSync(join(rooms, 'truth', `${id}.json`), 'utf8')) as { processing: { chain: { family: string } } }).processing.chain
      .family;
    const found = findStepWedge(image, phantom, {}, file);
    const errors = poseErrors(found.stepCenters, found.pose.angleRad, truth, image.spacingMm[0]);
    const calibration = calibrateStepWedge(image, phantom, found.pose);
    lines.push(
      `${id} (${family}): score ${found.score.toFixed(4)}, worst step ${errors.worstStepMm.toFixed(2)} mm, calibration r ${calibration.r.toFixed(4)}${calibration.flags.length > 0 ? `, ${calibration.flags.join(', ')}` : ''}`,
    );
    assert.ok(errors.worstStepMm < 1, `${id} (${family}): step error ${errors.worstStepMm} mm`);
    assert.equal(calibration.knots[0]!.thicknessMm, 0);
    // A processing that clips the thick steps is refused, never read off a flat curve.
    if (calibration.flags.includes('wedge-steps-saturated')) saturated++;
    else
      assert.ok(
        calibration.knots.every((k, j) => j === 0 || k.grey > calibration.knots[j - 1]!.grey),
        `${id} (${family}): curve not rising`,
      );
  }
  assert.ok(saturated <= 2, `${saturated} of 10 wedges clipped`);
  console.log(`step wedge in rooms of every processing family (SIMULATED):\n${lines.join('\n')}`);
});

test('no wedge, a description that does not match, and a wedge partly outside the image are refused', async () => {
  const { image, phantom, truth, file } = await loadCase(rotated, 'forearm-0001');
  const refused = (run: () => unknown, pattern: RegExp, what: string): void => {
    assert.throws(run, (e: unknown) => e instanceof OpenBmdError && e.code === 'INVALID_VALUE' && pattern.test(e.message) && e.file === file, what);
  };
  // Another geometry than the image's (6 steps of 8 x 12 mm described, 4 of 10 x 15 mm present).
  refused(
    () => findStepWedge(image, { ...phantom, steps: [1, 2, 3, 4, 5, 6].map((t) => ({ thicknessMm: t })), stepLengthMm: 8, widthMm: 12 }, {}, file),
    /no step wedge matching the description \(6 steps of 8 x 12 mm\)/,
    'other geometry',
  );
  // The wedge painted over with the background level around it.
  const [columns] = image.size;
  const xs = truth.corners.map((c) => c[0]);
  const ys = truth.corners.map((c) => c[1]);
  const data = Float32Array.from(image.data as ArrayLike<number>);
  const background = Number(image.data[Math.round(Math.min(...ys) - 30) * columns + Math.round(Math.min(...xs) - 30)]);
  for (let y = Math.floor(Math.min(...ys)) - 3; y <= Math.ceil(Math.max(...ys)) + 3; y++)
    for (let x = Math.floor(Math.min(...xs)) - 3; x <= Math.ceil(Math.max(...xs)) + 3; x++) data[y * columns + x] = background;
  const blanked = createImage2D({ data, size: image.size, spacingMm: image.spacingMm, unit: image.unit });
  refused(() => findStepWedge(blanked, phantom, {}, file), /no step wedge matching the description/, 'no wedge');
  // Cropped through the middle of the wedge.
  const cut = Math.round((Math.min(...xs) + Math.max(...xs)) / 2);
  const [, rows] = image.size;
  const cropped = new Float32Array(cut * rows);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cut; x++) cropped[y * cut + x] = Number(image.data[y * columns + x]);
  refused(
    () => findStepWedge(createImage2D({ data: cropped, size: [cut, rows], spacingMm: image.spacingMm, unit: image.unit }), phantom, {}, file),
    /partly outside the image|no step wedge matching/,
    'wedge cut by the image edge',
  );
});

const skipOpenCv = announceSkip(pythonModulesMissing(['cv2', 'numpy'], 'python3-opencv'));

test('the same wedge as OpenCV finds with its template rotated every degree over 360 (matchTemplate with mask)', { skip: skipOpenCv }, async () => {
  const rows = await compareWedgeSearch(rotated, 2);
  for (const r of rows) {
    console.log(
      `${r.image}: openbmd ${r.openbmdSeconds.toFixed(3)} s, OpenCV exhaustive ${r.opencvSeconds!.toFixed(3)} s; centre difference ${r.centreDifferenceMm!.toFixed(2)} mm, angle difference ${r.angleDifferenceDeg!.toFixed(2)} deg`,
    );
    assert.ok(r.centreDifferenceMm! < 1, `${r.image}: centre difference ${r.centreDifferenceMm} mm`);
    assert.ok(r.angleDifferenceDeg! <= 1, `${r.image}: angle difference ${r.angleDifferenceDeg} deg`);
  }
});
