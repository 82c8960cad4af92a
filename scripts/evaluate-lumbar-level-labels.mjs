// The lumbar AP locator's level names against a SIMULATED cohort's truth, with and without the count
// from the last rib (last-rib.ts): a study's L1-L4 are right when each named body's centre lies in the
// true box of that level. By the spine's segmentation variant (simulate lumbar --segmentation-variants).
// Usage (after npm run build): node scripts/evaluate-lumbar-level-labels.mjs <cohort folder> [model folder]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomFile } from '../dist/src/io/dicom/read-dicom.js';
import { nnBackend } from '../dist/src/nn/nn-backend.js';
import { locateLumbarLevels } from '../dist/src/pipelines/lumbar/locate-lumbar-levels.js';
import { lumbarRadiograph } from '../dist/src/pipelines/lumbar/lumbar-radiograph.js';
import { loadLumbarModel } from '../dist/src/pipelines/lumbar/lumbar-model.js';

const [cohort, modelDir = 'models/lumbar'] = process.argv.slice(2);
if (cohort === undefined) {
  process.stderr.write('usage: node scripts/evaluate-lumbar-level-labels.mjs <cohort folder> [model folder]\n');
  process.exit(2);
}
const tf = await nnBackend();
const model = await loadLumbarModel(tf, modelDir);
const groups = new Map();
const cases = readdirSync(join(cohort, 'landmarks'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();
const inside = (p, b) => p[0] >= b.x0 && p[0] <= b.x1 && p[1] >= b.y0 && p[1] <= b.y1;
for (const [n, c] of cases.entries()) {
  const truth = JSON.parse(readFileSync(join(cohort, 'truth', `${c}.json`), 'utf8'));
  const landmarks = JSON.parse(readFileSync(join(cohort, 'landmarks', `${c}.json`), 'utf8'));
  const trueBoxes = new Map(
    landmarks.ap.vertebralBodies.map((b) => {
      const xs = b.corners.map((p) => p[0]);
      const ys = b.corners.map((p) => p[1]);
      return [b.level, { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) }];
    }),
  );
  const image = lumbarRadiograph(await readDicomFile(join(cohort, 'images', `${c}-ap.dcm`)), 'ap');
  const v = truth.segmentation;
  const variant =
    v.presacralVertebrae === 24
      ? '24 presacral'
      : `${v.presacralVertebrae} presacral${v.twelfthRib === 'hypoplastic' ? ', short 12th rib' : ''}${v.lumbarRib ? ', lumbar rib' : ''}`;
  const g = groups.get(variant) ?? { studies: 0, fromBelow: 0, withRib: 0, ribFound: 0, moved: 0, movedRight: 0, movedWrong: 0, flagged: 0 };
  g.studies++;
  const right = (location) =>
    ['L1', 'L2', 'L3', 'L4'].every((level) => {
      const b = location.bodies.find((x) => x.level === level);
      const t = trueBoxes.get(level);
      return b !== undefined && t !== undefined && inside([(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2], t);
    });
  const below = locateLumbarLevels(tf, model.locators.ap, image, 'ap', { lastRibCount: false });
  const rib = locateLumbarLevels(tf, model.locators.ap, image, 'ap');
  const [okBelow, okRib] = [right(below), right(rib)];
  if (okBelow) g.fromBelow++;
  if (okRib) g.withRib++;
  if (rib.lastRib !== undefined) g.ribFound++;
  if (rib.ribShift !== undefined && rib.ribShift !== 0) {
    g.moved++;
    if (okRib && !okBelow) g.movedRight++;
    if (!okRib && okBelow) g.movedWrong++;
  }
  if (rib.check.problems.includes('level-count-uncertain')) g.flagged++;
  groups.set(variant, g);
  process.stderr.write(
    `${n + 1}/${cases.length} ${c} ${variant}: from below ${okBelow ? 'right' : 'wrong'}, with the last rib ${okRib ? 'right' : 'wrong'} (rib at ${rib.lastRib?.levelsBelowT12.toFixed(2) ?? 'none'}, shift ${rib.ribShift ?? '-'})\n`,
  );
}
console.log('| variant | studies | L1-L4 right, from below | L1-L4 right, with the last rib | rib pair found | names moved (right / wrong) | flagged |');
console.log('|---|---|---|---|---|---|---|');
for (const [variant, g] of [...groups].sort()) {
  console.log(`| ${variant} | ${g.studies} | ${g.fromBelow} | ${g.withRib} | ${g.ribFound} | ${g.moved} (${g.movedRight} / ${g.movedWrong}) | ${g.flagged} |`);
}
