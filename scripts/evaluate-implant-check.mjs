// The lumbar implant check on a SIMULATED cohort whose truth says where the pedicle screws are: per
// study the AP locator's bodies, the check's two signs and its verdict, beside the truth, and the
// counts (metal at L1-L4 or L5 refused; no metal refused). With --features, what a further sign
// would see: the largest region of the spine column within 5 % of the column's range below its
// brightest pixel, its area and how flat it is (the region's grey SD over the bodies' contrast).
// Usage (after npm run build):
//   node scripts/evaluate-implant-check.mjs <model dir> <cohort.csv> [--features]
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { readDicomFile } from '../dist/src/io/dicom/read-dicom.js';
import { nnBackend } from '../dist/src/nn/nn-backend.js';
import { checkForImplants, implantColumn } from '../dist/src/pipelines/lumbar/implant-check.js';
import { locateLumbarLevels } from '../dist/src/pipelines/lumbar/locate-lumbar-levels.js';
import { readLumbarCohort } from '../dist/src/pipelines/lumbar/lumbar-cohort.js';
import { loadLumbarModel } from '../dist/src/pipelines/lumbar/lumbar-model.js';
import { lumbarRadiograph } from '../dist/src/pipelines/lumbar/lumbar-radiograph.js';
import { labelledRegions } from '../dist/src/pipelines/lumbar/vertebral-body-boxes.js';

const [modelDir, cohortCsv, ...flags] = process.argv.slice(2);
if (modelDir === undefined || cohortCsv === undefined) {
  process.stderr.write('usage: node scripts/evaluate-implant-check.mjs <model dir> <cohort.csv> [--features]\n');
  process.exit(2);
}
const features = flags.includes('--features');
const tf = await nnBackend('wasm');
const model = await loadLumbarModel(tf, modelDir);
const cohort = readLumbarCohort(cohortCsv);
const ROI = ['L1', 'L2', 'L3', 'L4'];

/** Largest region within `share` of the column's range below its top, and its grey SD over the bodies' contrast. */
function nearTop(image, column, share) {
  const { x0, y0, w, h, top, bone, soft } = column;
  const [columns] = image.size;
  const level = top - share * (top - soft);
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) mask[y * w + x] = Number(image.data[(y + y0) * columns + x + x0]) >= level ? 1 : 0;
  const regions = labelledRegions(mask, w, h);
  const largest = regions.reduce((best, r) => (best === undefined || r.pixels > best.pixels ? r : best), undefined);
  const pixelMm2 = image.spacingMm[0] * image.spacingMm[1];
  if (largest === undefined) return { areaMm2: 0, flatness: Number.NaN };
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let y = Math.floor(largest.y0); y <= Math.ceil(largest.y1); y++)
    for (let x = Math.floor(largest.x0); x <= Math.ceil(largest.x1); x++) {
      if (x < 0 || y < 0 || x >= w || y >= h || mask[y * w + x] === 0) continue;
      const v = Number(image.data[(y + y0) * columns + x + x0]);
      sum += v;
      sq += v * v;
      n++;
    }
  const sd = Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2));
  return { areaMm2: largest.pixels * pixelMm2, flatness: sd / (bone - soft) };
}

const counts = { metalRoi: [0, 0], metalL5: [0, 0], none: [0, 0], notAssessed: 0 };
const rows = [];
for (const c of cohort.cases) {
  const truth = JSON.parse(readFileSync(join(dirname(c.image), '..', 'truth', `${c.caseId}.json`), 'utf8'));
  const screws = truth.confounders?.pedicleScrews ?? [];
  const kind = screws.some((l) => ROI.includes(l)) ? 'metalRoi' : screws.length > 0 ? 'metalL5' : 'none';
  const image = lumbarRadiograph(await readDicomFile(c.image), 'ap');
  const location = locateLumbarLevels(tf, model.locators.ap, image, 'ap');
  const check = checkForImplants({ image, bodies: location.bodies });
  if (!check.assessed) {
    counts.notAssessed++;
    rows.push(`${c.caseId}\t${screws.join('+') || '-'}\tnot assessed (${location.bodies.length} bodies)`);
    continue;
  }
  counts[kind][0]++;
  if (check.suspected) counts[kind][1]++;
  let extra = '';
  if (features) {
    const column = implantColumn({ image, bodies: location.bodies });
    const near = column === undefined ? undefined : nearTop(image, column, 0.05);
    extra = near === undefined ? '' : `\tnear-top ${near.areaMm2.toFixed(0)} mm2, flatness ${near.flatness.toFixed(3)}`;
  }
  rows.push(
    `${c.caseId}\t${screws.join('+') || '-'}\t${truth.processing?.ap?.chain?.family ?? truth.vendor}\tbright ${check.largestBrightMm2.toFixed(0)} mm2, clipped ${check.largestClippedMm2.toFixed(0)} mm2, near top ${check.largestNearTopMm2.toFixed(0)} mm2\t${check.suspected ? 'REFUSED' : 'passed'}${extra}`,
  );
}
process.stdout.write(`${rows.join('\n')}\n`);
process.stdout.write(
  `SIMULATED ${cohortCsv}: metal at L1-L4 refused ${counts.metalRoi[1]}/${counts.metalRoi[0]}, metal in L5 only ${counts.metalL5[1]}/${counts.metalL5[0]}, no metal refused ${counts.none[1]}/${counts.none[0]}; not assessed ${counts.notAssessed}\n`,
);
