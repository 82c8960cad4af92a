// The lumbar implant check on a SIMULATED cohort whose truth says where the pedicle screws are: per
// study the AP locator's bodies, the check's two signs and its verdict, beside the truth, and the
// counts (metal at L1-L4 or L5 refused; no metal refused).
// Usage (after npm run build):
//   node scripts/evaluate-implant-check.mjs <model dir> <cohort.csv>
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { readDicomFile } from '../dist/src/io/dicom/read-dicom.js';
import { nnBackend } from '../dist/src/nn/nn-backend.js';
import { checkForImplants } from '../dist/src/pipelines/lumbar/implant-check.js';
import { locateLumbarLevels } from '../dist/src/pipelines/lumbar/locate-lumbar-levels.js';
import { readLumbarCohort } from '../dist/src/pipelines/lumbar/lumbar-cohort.js';
import { loadLumbarModel } from '../dist/src/pipelines/lumbar/lumbar-model.js';
import { lumbarRadiograph } from '../dist/src/pipelines/lumbar/lumbar-radiograph.js';

const [modelDir, cohortCsv] = process.argv.slice(2);
if (modelDir === undefined || cohortCsv === undefined) {
  process.stderr.write('usage: node scripts/evaluate-implant-check.mjs <model dir> <cohort.csv>\n');
  process.exit(2);
}
const tf = await nnBackend('wasm');
const model = await loadLumbarModel(tf, modelDir);
const cohort = readLumbarCohort(cohortCsv);
const ROI = ['L1', 'L2', 'L3', 'L4'];

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
  rows.push(
    `${c.caseId}\t${screws.join('+') || '-'}\t${truth.processing?.ap?.chain?.family ?? truth.vendor}\tbright ${check.largestBrightMm2.toFixed(0)} mm2, clipped ${check.largestClippedMm2.toFixed(0)} mm2, near top ${check.largestNearTopMm2.toFixed(0)} mm2\t${check.suspected ? 'REFUSED' : 'passed'}`,
  );
}
process.stdout.write(`${rows.join('\n')}\n`);
process.stdout.write(
  `SIMULATED ${cohortCsv}: metal at L1-L4 refused ${counts.metalRoi[1]}/${counts.metalRoi[0]}, metal in L5 only ${counts.metalL5[1]}/${counts.metalL5[0]}, no metal refused ${counts.none[1]}/${counts.none[0]}; not assessed ${counts.notAssessed}\n`,
);
