// The simulator's numerical spine variants against their source (whole-spine CT, Skeletal Radiol
// 2025): 23 presacral vertebrae in 12.3 %, 25 in 4.0 %, a hypoplastic twelfth rib with every 23, a
// lumbar rib with 1.5 / 4.0 of the 25; the mobile levels, their VerSe codes and their ribs follow.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import type { SimulatedPerson } from '../src/simulate/person.js';
import { LUMBARISATION_SHARE, LUMBAR_RIB_SHARE_OF_LUMBARISED, SACRALISATION_SHARE } from '../src/simulate/spine/segmentation-variants.js';
import { RIB_ARC_DEG, drawSpineShape, ribArcsDeg } from '../src/simulate/spine/spine-shape.js';
import { verseCode } from '../src/simulate/spine/spine-levels.js';
import { along } from '../src/simulate/spine/spine-anatomy.js';
import { dxaRoiBoxes } from '../src/simulate/lumbar/lumbar-dxa-truth.js';

function person(i: number): SimulatedPerson {
  return {
    patientId: `SIM-VARIANT-${i}`,
    sex: i % 2 === 0 ? 'F' : 'M',
    ageYears: 50 + (i % 40),
    heightCm: 160 + (i % 25),
    weightKg: 70,
    bmi: 25,
    targets: { spineVbmd: 120 },
  };
}

const N = 4000;
const spines = Array.from({ length: N }, (_, i) => drawSpineShape(person(i), { fractureShare: 0, segmentationVariants: true }, new SeededRandom(i)));

/** Within 3.5 binomial standard errors of the published share. */
function nearShare(count: number, n: number, share: number, what: string): void {
  const se = Math.sqrt((share * (1 - share)) / n);
  assert.ok(Math.abs(count / n - share) < 3.5 * se, `${what}: ${((100 * count) / n).toFixed(1)} % of ${n}, published ${(100 * share).toFixed(1)} %`);
}

test('23 and 25 presacral vertebrae at their published prevalence, the rib variants with them', () => {
  const sacralised = spines.filter((s) => s.variant.presacralVertebrae === 23);
  const lumbarised = spines.filter((s) => s.variant.presacralVertebrae === 25);
  nearShare(sacralised.length, N, SACRALISATION_SHARE, '23 presacral');
  nearShare(lumbarised.length, N, LUMBARISATION_SHARE, '25 presacral');
  nearShare(lumbarised.filter((s) => s.variant.lumbarRib).length, lumbarised.length, LUMBAR_RIB_SHARE_OF_LUMBARISED, 'lumbar rib among 25');
  assert.ok(sacralised.every((s) => s.variant.twelfthRib === 'hypoplastic' && ribArcsDeg(s.variant).T12! < RIB_ARC_DEG.T12!));
  assert.ok(spines.every((s) => s.variant.presacralVertebrae === 23 || s.variant.twelfthRib === 'typical'));
  assert.ok(spines.every((s) => (ribArcsDeg(s.variant).L1 !== undefined) === s.variant.lumbarRib));
});

test('the mobile levels follow the count: L4 lowest with 23, L6 (VerSe 25) with 25; the sacrum below the lowest', () => {
  for (const s of spines.slice(0, 600)) {
    const levels = s.vertebrae.map((v) => v.level);
    const lowest = s.vertebrae[s.vertebrae.length - 1]!;
    const expected = { 23: 'L4', 24: 'L5', 25: 'L6' }[s.variant.presacralVertebrae];
    assert.equal(lowest.level, expected);
    assert.equal(levels.length, s.variant.presacralVertebrae - 12, 'T6 to the lowest: the presacral count less C1-T5 (12)');
    // The sacrum's top lies one disc below the lowest mobile body.
    const gap = lowest.centerMm[2] - lowest.halfHeightMm - s.sacrumTopMm[2];
    assert.ok(Math.abs(gap - lowest.discBelowMm) < 1e-6, `${gap} mm`);
    // L1 stays at the origin whatever the variant.
    assert.ok(Math.abs(s.vertebrae.find((v) => v.level === 'L1')!.centerMm[2]) < 1e-9);
  }
  assert.equal(verseCode('L6'), 25);
});

test('a typical person is drawn exactly as without the variants (the variant has a stream of its own)', () => {
  for (let i = 0; i < 200; i++) {
    const withVariants = spines[i]!;
    if (withVariants.variant.presacralVertebrae !== 24) continue;
    const without = drawSpineShape(person(i), { fractureShare: 0 }, new SeededRandom(i));
    assert.deepEqual(
      without.vertebrae.map((v) => v.centerMm),
      withVariants.vertebrae.map((v) => v.centerMm),
    );
    assert.equal(without.marrowFatFraction, withVariants.marrowFatFraction);
  }
});

test("DXA's L1-L4 boxes on a sacralised spine: four, in order, L4's lower line midway between its lower endplate and the sacrum", () => {
  const sacralised = spines.filter((s) => s.variant.presacralVertebrae === 23).slice(0, 20);
  assert.ok(sacralised.length === 20);
  for (const s of sacralised) {
    const boxes = dxaRoiBoxes(s);
    assert.deepEqual(
      boxes.map((b) => b.level),
      ['L1', 'L2', 'L3', 'L4'],
    );
    for (let k = 1; k < 4; k++) assert.ok(Math.abs(boxes[k]!.zMaxMm - boxes[k - 1]!.zMinMm) < 1e-9, 'boxes meet at the discs');
    const l4 = s.vertebrae.find((v) => v.level === 'L4')!;
    const l4Bottom = along(l4, 0, 0, -l4.halfHeightMm)[2];
    assert.ok(Math.abs(boxes[3]!.zMinMm - (l4Bottom + s.sacrumTopMm[2]) / 2) < 0.5, `${boxes[3]!.zMinMm} vs ${(l4Bottom + s.sacrumTopMm[2]) / 2}`);
  }
});
