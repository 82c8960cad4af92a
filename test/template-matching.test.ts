// Seed 000's Eq. [1] (normalised squared difference) computed by FFT correlation, against OpenCV's
// own matchTemplate(TM_SQDIFF_NORMED), with and without a mask, on a real CT slice from pydicom's
// test corpus: the whole score map and the best position must agree. Otsu's threshold against cv2.threshold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { otsuThreshold } from '../src/imaging/otsu-threshold.js';
import { bestMatch, normalisedSquaredDifference, prepareSearchImage } from '../src/imaging/template-matching.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { PYDICOM_CORPUS, announceSkip } from './helpers/reference-tools.js';

const skip = announceSkip(pythonModulesMissing(['cv2', 'numpy'], 'python3-opencv') ?? pythonModulesMissing(['pydicom'], 'python3-pydicom'));

const OPENCV_MATCH = `
import json, sys, numpy as np, cv2
d = json.load(sys.stdin)
img = np.array(d["image"], dtype=np.float32).reshape(d["rows"], d["columns"])
tpl = np.array(d["template"], dtype=np.float32).reshape(d["trows"], d["tcolumns"])
out = {}
out["plain"] = cv2.matchTemplate(img, tpl, cv2.TM_SQDIFF_NORMED).ravel().tolist()
mask = np.array(d["mask"], dtype=np.float32).reshape(d["trows"], d["tcolumns"])
# OpenCV clamps its unmasked scores to 1 but not its masked ones; openbmd clamps both.
out["masked"] = np.minimum(cv2.matchTemplate(img, tpl, cv2.TM_SQDIFF_NORMED, mask=mask), 1).ravel().tolist()
print(json.dumps(out))
`;

test('normalised squared difference equals OpenCV matchTemplate TM_SQDIFF_NORMED on a real CT slice, plain and masked', { skip }, async () => {
  const dicom = await readDicomFile(`${PYDICOM_CORPUS}/test_files/CT_small.dcm`);
  const columns = dicom.pixel.columns;
  const rows = dicom.pixel.rows;
  const image = Float64Array.from(dicom.frames[0]!, (v) => Number(v));
  const [tx, ty, tcolumns, trows] = [50, 60, 24, 20];
  const random = new SeededRandom(8);
  const template = new Float64Array(tcolumns * trows);
  for (let y = 0; y < trows; y++)
    for (let x = 0; x < tcolumns; x++) template[y * tcolumns + x] = image[(ty + y) * columns + tx + x]! + 20 * random.nextNormal();
  const mask = new Float64Array(tcolumns * trows);
  for (let y = 0; y < trows; y++) for (let x = 0; x < tcolumns; x++) mask[y * tcolumns + x] = ((x - 11.5) / 12) ** 2 + ((y - 9.5) / 10) ** 2 <= 1 ? 1 : 0;
  const search = prepareSearchImage({ columns, rows, data: image });
  const plain = normalisedSquaredDifference(search, { columns: tcolumns, rows: trows, data: template });
  const masked = normalisedSquaredDifference(search, { columns: tcolumns, rows: trows, data: template }, mask);
  const reference = runPythonJson<{ plain: number[]; masked: number[] }>(OPENCV_MATCH, {
    image: Array.from(image),
    rows,
    columns,
    template: Array.from(template),
    trows,
    tcolumns,
    mask: Array.from(mask),
  });
  for (const [name, ours, theirs] of [
    ['plain', plain, reference.plain],
    ['masked', masked, reference.masked],
  ] as const) {
    assert.equal(ours.scores.length, theirs.length, `${name}: map size`);
    let maxDiff = 0;
    for (let i = 0; i < theirs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours.scores[i]! - theirs[i]!));
    const best = bestMatch(ours);
    const theirBest = theirs.indexOf(Math.min(...theirs));
    console.log(
      `Eq. [1] ${name}: ${theirs.length} positions, max |openbmd - OpenCV| ${maxDiff.toExponential(2)}, best (${best.x}, ${best.y}) score ${best.score.toExponential(2)}; OpenCV best (${theirBest % ours.columns}, ${Math.floor(theirBest / ours.columns)})`,
    );
    assert.ok(maxDiff < 1e-4, `${name}: max difference ${maxDiff}`);
    assert.deepEqual([best.x, best.y], [tx, ty], `${name}: found where the template was cut`);
    assert.deepEqual([theirBest % ours.columns, Math.floor(theirBest / ours.columns)], [tx, ty]);
  }
});

test('Otsu threshold equals OpenCV THRESH_OTSU on 8-bit bimodal samples', { skip }, () => {
  const random = new SeededRandom(12);
  const mixtures = [
    [60, 15, 170, 25, 0.3],
    [40, 30, 120, 10, 0.7],
    [100, 5, 110, 5, 0.5],
  ] as const;
  const samples = mixtures.map(([lowMean, lowSd, highMean, highSd, share]) =>
    Array.from({ length: 5000 }, () => {
      const high = random.nextFloat() < share;
      return Math.max(0, Math.min(255, Math.round(high ? highMean + highSd * random.nextNormal() : lowMean + lowSd * random.nextNormal())));
    }),
  );
  const reference = runPythonJson<number[]>(
    'import json, sys, numpy as np, cv2\nprint(json.dumps([cv2.threshold(np.array(v, dtype=np.uint8).reshape(1, -1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0] for v in json.load(sys.stdin)]))',
    samples,
  );
  const ours = samples.map((v) => otsuThreshold(v));
  console.log(`Otsu: openbmd ${ours.join(', ')}; OpenCV ${reference.join(', ')}`);
  assert.deepEqual(ours, reference);
});
