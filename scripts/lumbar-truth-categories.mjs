// Each case's truth category by openbmd's clinical rules (WHO on the lowest DXA T-score of the
// lumbar spine and femoral neck, as train lumbar scores it), one CSV line per case: case_id,category.
// Used by scripts/femoral-neck-ceiling.py. Usage (after npm run build):
//   node scripts/lumbar-truth-categories.mjs <cohort.csv>
import { loadClinicalKnowledge } from '../dist/src/clinical/index.js';
import { caseCategory } from '../dist/src/evaluate/case-category.js';
import { readLumbarCohort } from '../dist/src/pipelines/lumbar/lumbar-cohort.js';

const [cohortCsv] = process.argv.slice(2);
if (cohortCsv === undefined) {
  console.error('usage: node scripts/lumbar-truth-categories.mjs <cohort.csv>');
  process.exit(2);
}
const knowledge = loadClinicalKnowledge();
const lines = ['case_id,category'];
for (const c of readLumbarCohort(cohortCsv).cases) {
  const values = {
    ...(c.lumbarAbmd === undefined ? {} : { lumbar_abmd: c.lumbarAbmd }),
    ...(c.femneckAbmd === undefined ? {} : { femneck_abmd: c.femneckAbmd }),
  };
  const outcome = caseCategory(knowledge, { sex: c.sex, ageYears: c.ageYears }, values);
  if ('formed' in outcome) lines.push(`${c.caseId},${outcome.formed.category}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
