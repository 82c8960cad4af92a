// A lumbar model's locators on projections through the real CT of ../shared/realdata (AP at 50 and
// 60 keV, left lateral at 60 keV; test/helpers/real-spine-projections.ts makes them): each L1-L4
// ROI against its reference vertebra, what the plausibility check said, and (AP) the implant check.
// The real CT is a test fixture only: this gates a model chosen on simulated development cohorts;
// nothing is chosen, tuned or fitted on it.
// Usage (after npm run build): node scripts/evaluate-lumbar-real-ct.mjs <model folder>
import { describeOnReference, locateOnRealProjection, problemsOnReference, realCtMissing } from '../dist/test/helpers/real-spine-projections.js';

const modelDir = process.argv[2];
if (modelDir === undefined) {
  process.stderr.write('usage: node scripts/evaluate-lumbar-real-ct.mjs <model folder>\n');
  process.exit(2);
}
const missing = realCtMissing();
if (missing !== undefined) {
  process.stderr.write(`${missing}\n`);
  process.exit(2);
}
for (const [view, energyKeV] of [
  ['ap', 50],
  ['ap', 60],
  ['lat', 60],
]) {
  const r = await locateOnRealProjection({ modelDir, view, energyKeV });
  const problems = problemsOnReference(r);
  const implants =
    r.implants === undefined ? '' : `; implant check ${r.implants.suspected ? 'REFUSES' : 'passes'} (bright ${r.implants.largestBrightMm2.toFixed(0)} mm2)`;
  console.log(
    `${view === 'ap' ? 'AP' : 'lateral'} ${energyKeV} keV: ${problems.length === 0 ? 'ON THE REFERENCE' : problems.join('; ')} | ${describeOnReference(r)}${implants}`,
  );
}
