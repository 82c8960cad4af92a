// The anatomical count (count-vertebrae.ts) against a SIMULATED cohort's truth: for each series, the
// levels named from the sacrum or the lowest rib, the lowest rib-bearing vertebra found, and whether
// the rib anchor's disagreement flag was raised, by the spine's segmentation variant.
// Usage (after npm run build): node scripts/evaluate-anatomical-count.mjs <cohort folder>
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { countVertebrae } from '../dist/src/pipelines/ct-spine/count-vertebrae.js';
import { readCtSpineSeries } from '../dist/src/pipelines/ct-spine/ct-spine-series.js';

const cohort = process.argv[2];
if (cohort === undefined) {
  process.stderr.write('usage: node scripts/evaluate-anatomical-count.mjs <cohort folder>\n');
  process.exit(2);
}
const groups = new Map();
const cases = readdirSync(join(cohort, 'images')).sort();
for (const [n, c] of cases.entries()) {
  const truth = JSON.parse(readFileSync(join(cohort, 'truth', `${c}.json`), 'utf8'));
  const landmarks = JSON.parse(readFileSync(join(cohort, 'landmarks', `${c}.json`), 'utf8'));
  const series = await readCtSpineSeries(join(cohort, 'images', c));
  const sz = series.volume.spacingMm[2];
  const count = countVertebrae(series.volume);
  const trueLevels = landmarks.levels.map((l) => ({ level: l.level, zMm: l.bodyCentroidVoxel[2] * sz }));
  const nearest = (z) => trueLevels.reduce((a, b) => (Math.abs(b.zMm - z) < Math.abs(a.zMm - z) ? b : a));
  const v = truth.segmentationVariant;
  const variant = v.presacralVertebrae === 24 ? '24 presacral' : `${v.presacralVertebrae} presacral${v.twelfthRib === 'hypoplastic' ? ', short 12th rib' : ''}${v.lumbarRib ? ', lumbar rib' : ''}`;
  const g = groups.get(variant) ?? { series: 0, l1Named: 0, l1Right: 0, anchorFound: 0, anchorRight: 0, flagged: 0, namedFromRib: 0 };
  g.series++;
  const l1 = count.vertebrae.find((x) => x.level === 'L1');
  if (l1 !== undefined) {
    g.l1Named++;
    const t = nearest(l1.centreMm[2]);
    if (t.level === 'L1' && Math.abs(t.zMm - l1.centreMm[2]) <= 10) g.l1Right++;
  }
  if (count.lowestRibBearing !== null) {
    g.anchorFound++;
    if (nearest(count.vertebrae[count.lowestRibBearing].centreMm[2]).level === landmarks.lowestRibBearingVertebra) g.anchorRight++;
  }
  if (count.ribDisagreement !== null) g.flagged++;
  if (count.namedFrom === 'lowest rib') g.namedFromRib++;
  groups.set(variant, g);
  process.stderr.write(`\r${n + 1}/${cases.length} series`);
}
process.stderr.write('\n');
console.log('| variant | series | L1 named | L1 right (within 10 mm) | named from the lowest rib | lowest rib found | on the true lowest rib-bearing vertebra | rib-count-disagrees |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [variant, g] of [...groups.entries()].sort())
  console.log(`| ${variant} | ${g.series} | ${g.l1Named} | ${g.l1Right} | ${g.namedFromRib} | ${g.anchorFound} | ${g.anchorRight} | ${g.flagged} |`);
