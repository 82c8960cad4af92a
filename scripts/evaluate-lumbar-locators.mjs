// The lumbar locators of one or more model folders on a SIMULATED cohort they did not train on: per
// view, the studies whose L1-L4 were found in order (else the study is refused), the mean IoU of
// the four ROIs against the truth's and the share with all four at IoU >= 0.5. Names are counted
// as analyze counts them (from below, with the last rib on AP). With two or more folders, a last row
// per view is the cascade: the first folder's locator, the next one's where it refused, and so on
// (each folder's lateral takes its own AP's rib count).
// Usage (after npm run build): node scripts/evaluate-lumbar-locators.mjs <cohort.csv> <model folder>...
import { loadClinicalKnowledge } from '../dist/src/clinical/index.js';
import { readDicomFile } from '../dist/src/io/dicom/read-dicom.js';
import { nnBackend } from '../dist/src/nn/nn-backend.js';
import { locateLumbarLevels } from '../dist/src/pipelines/lumbar/locate-lumbar-levels.js';
import { readLumbarCohort } from '../dist/src/pipelines/lumbar/lumbar-cohort.js';
import { loadLumbarModel } from '../dist/src/pipelines/lumbar/lumbar-model.js';
import { lumbarRadiograph } from '../dist/src/pipelines/lumbar/lumbar-radiograph.js';
import { lumbarTrainingSample } from '../dist/src/pipelines/lumbar/lumbar-training-samples.js';
import { boxIou } from '../dist/src/pipelines/lumbar/vertebral-body-boxes.js';

const [cohortCsv, ...modelDirs] = process.argv.slice(2);
if (cohortCsv === undefined || modelDirs.length === 0) {
  process.stderr.write('usage: node scripts/evaluate-lumbar-locators.mjs <cohort.csv> <model folder>...\n');
  process.exit(2);
}
const tf = await nnBackend();
const models = await Promise.all(modelDirs.map((dir) => loadLumbarModel(tf, dir)));
const cohort = readLumbarCohort(cohortCsv);
const knowledge = loadClinicalKnowledge();
const tally = [...models, 'cascade'].map(() => ({ ap: { studies: 0, found: 0, localised: 0, iou: 0, rois: 0 }, lat: { studies: 0, found: 0, localised: 0, iou: 0, rois: 0 }, both: 0 }));
for (const [n, c] of cohort.cases.entries()) {
  const sample = await lumbarTrainingSample(c, knowledge);
  const images = { ap: lumbarRadiograph(await readDicomFile(c.image), 'ap') };
  if (c.imageLat !== undefined) images.lat = lumbarRadiograph(await readDicomFile(c.imageLat), 'lat');
  const line = [];
  const usable = (l) => l !== undefined && !l.check.problems.includes('levels-missing') && !l.check.problems.includes('levels-out-of-order');
  const byModel = [];
  const score = (t, location, truth) => {
    t.studies++;
    if (usable(location)) t.found++;
    let all = true;
    for (const level of ['L1', 'L2', 'L3', 'L4']) {
      const a = truth.rois.find((r) => r.level === level);
      const b = location.rois.find((r) => r.level === level);
      const iou = a !== undefined && b !== undefined ? boxIou(a, b) : 0;
      t.iou += iou;
      t.rois++;
      if (iou < 0.5) all = false;
    }
    if (all) t.localised++;
  };
  for (const [m, model] of models.entries()) {
    const found = {};
    for (const view of ['ap', 'lat']) {
      const image = images[view];
      const truth = sample.views[view]?.truth;
      if (image === undefined || truth === undefined) continue;
      const location = locateLumbarLevels(tf, model.locators[view], image, view, { ribShift: view === 'lat' ? found.ap?.ribShift : undefined });
      found[view] = location;
      score(tally[m][view], location, truth);
    }
    byModel.push(found);
    if (usable(found.ap) && (images.lat === undefined || usable(found.lat))) tally[m].both++;
    line.push(`${modelDirs[m]}: ap ${usable(found.ap) ? 'found' : 'refused'}, lat ${usable(found.lat) ? 'found' : 'refused'}`);
  }
  if (models.length > 1) {
    const cascade = {};
    for (const view of ['ap', 'lat']) {
      const truth = sample.views[view]?.truth;
      const tried = byModel.map((f) => f[view]).filter((l) => l !== undefined);
      if (truth === undefined || tried.length === 0) continue;
      cascade[view] = tried.find(usable) ?? tried[0];
      score(tally[models.length][view], cascade[view], truth);
    }
    if (usable(cascade.ap) && (images.lat === undefined || usable(cascade.lat))) tally[models.length].both++;
  }
  process.stderr.write(`${n + 1}/${cohort.cases.length} ${c.caseId} ${line.join('; ')}\n`);
}
console.log('| model | view | studies | L1-L4 found in order | all four ROIs IoU >= 0.5 | mean ROI IoU | studies with every view found |');
console.log('|---|---|---|---|---|---|---|');
for (const [m, dir] of [...modelDirs, ...(models.length > 1 ? ['cascade, in the order given'] : [])].entries())
  for (const view of ['ap', 'lat']) {
    const t = tally[m][view];
    console.log(`| ${dir} | ${view} | ${t.studies} | ${t.found} | ${t.localised} | ${(t.iou / Math.max(1, t.rois)).toFixed(3)} | ${view === 'ap' ? tally[m].both : ''} |`);
  }
