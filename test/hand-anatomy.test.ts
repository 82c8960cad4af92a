// The simulator's paediatric hand and wrist against the published measurements it draws them from
// (data/simulate/hand-anatomy.json): the carpal and distal radial and ulnar ossification centres
// appear within their published age spans, the distal radial physis closes within its span and
// has its published area. Checked on the drawn shapes and on the built phantoms' solids.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { CARPAL_BONES, loadHandAnatomyMeasures } from '../src/simulate/hand-anatomy-measures.js';
import type { SimulatedPerson } from '../src/simulate/person.js';
import { buildForearmAnatomy } from '../src/simulate/forearm/forearm-anatomy.js';
import type { ForearmShape, StepWedgeGeometry } from '../src/simulate/forearm/forearm-shape.js';
import { RADIUS_PHYSIS_DEPTH_SHARE, drawForearmShape } from '../src/simulate/forearm/forearm-shape.js';

const measures = loadHandAnatomyMeasures();
const wedge: StepWedgeGeometry = { stepThicknessesMm: [2, 4, 6, 8], stepLengthMm: 15, widthMm: 10, haMgPerCm3: 200 };
const field = { widthMm: 180, heightMm: 240 };

function child(k: number, ageYears: number, sex: 'F' | 'M', heightCm: number): SimulatedPerson {
  return { patientId: `C${k}`, sex, ageYears, heightCm, weightKg: 50, bmi: 19, targets: { distalRadiusAbmd: 0.4 } };
}

function shapeOf(person: SimulatedPerson, seed: number): ForearmShape {
  return drawForearmShape(person, field, wedge, 10, new SeededRandom(seed), ['round']);
}

/** Carpal bones present in a built phantom: the hand's cortical ellipsoids in the carpus (not the tubes of the long bones). */
function carpalCount(shape: ForearmShape): number {
  const { phantom } = buildForearmAnatomy(shape, wedge, 1);
  const cortex = phantom.regions.findIndex((r) => r.name === 'hand-bone-cortex');
  return phantom.solids.filter((s) => s.region === cortex && s.shape === 'ellipsoid').length;
}

test('every measure names a source the file defines, and every age span runs forwards', () => {
  for (const [name, entry] of Object.entries(measures.ossificationOnsetYears)) {
    assert.ok(entry.source.length > 40, `${name}: source in words`);
    assert.ok(entry.range[1] >= entry.range[0], name);
  }
  // The published order of appearance: capitate, hamate, triquetrum, lunate, scaphoid/trapezium/trapezoid, pisiform.
  const starts = CARPAL_BONES.map((b) => measures.ossificationOnsetYears[b].range[0]);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! >= starts[i - 1]!, `${CARPAL_BONES[i]} starts after ${CARPAL_BONES[i - 1]}`);
});

test('carpal bones appear within their published age spans: none before, all after, and by tempo within', () => {
  // A child of each age from 0 to 14 in 0.25-year steps, 6 children per age: the count present
  // never exceeds those whose span has begun, never falls short of those whose span has ended.
  let k = 0;
  for (let age = 0; age <= 14; age += 0.25) {
    const begun = CARPAL_BONES.filter((b) => measures.ossificationOnsetYears[b].range[0] <= age).length;
    const ended = CARPAL_BONES.filter((b) => measures.ossificationOnsetYears[b].range[1] <= age).length;
    for (let i = 0; i < 6; i++) {
      const shape = shapeOf(child(k++, age, i % 2 === 0 ? 'F' : 'M', 80 + 6 * age), 100 + k);
      const n = carpalCount(shape);
      assert.ok(n <= begun && n >= ended, `age ${age}: ${n} carpals, published ${ended}-${begun}`);
    }
  }
  // At 5 years, the scaphoid, trapezium and trapezoid (4-6 years) are there for an early maturer, not a late one.
  const five = shapeOf(child(9001, 5, 'F', 110), 1);
  assert.equal(carpalCount({ ...five, maturityTempo: 0.1 }), 7);
  assert.equal(carpalCount({ ...five, maturityTempo: 0.9 }), 4);
});

test('the distal radial physis closes within its published span (girls 15-18, boys a year later) and has the published area', () => {
  const closedShare = (sex: 'F' | 'M', age: number): number => {
    const shapes = Array.from({ length: 800 }, (_, i) => shapeOf(child(20000 + i, age, sex, 165), i));
    return shapes.filter((s) => s.physisGapMm === 0).length / shapes.length;
  };
  assert.equal(closedShare('F', 14.9), 0);
  assert.equal(closedShare('F', 18.1), 1);
  assert.equal(closedShare('M', 15.9), 0);
  assert.equal(closedShare('M', 19.1), 1);
  // Uniform over the span at the child's tempo: half the girls of 16.5 closed, a sixth of the boys.
  assert.ok(Math.abs(closedShare('F', 16.5) - 0.5) < 0.06);
  assert.ok(Math.abs(closedShare('M', 16.5) - 1 / 6) < 0.05);

  // Late-adolescent girls of average stature: the physis's elliptical area as the source measured it.
  const area = measures.distalRadiusPhysis.areaMm2;
  const areas = Array.from({ length: 1500 }, (_, i) => shapeOf(child(40000 + i, 16, 'F', 165), i)).map((s) => {
    const semiWidth = s.radiusHalfWidthMm * s.radiusFlare;
    return Math.PI * semiWidth * semiWidth * RADIUS_PHYSIS_DEPTH_SHARE;
  });
  const mean = areas.reduce((a, b) => a + b, 0) / areas.length;
  // The child's size is drawn around its stature (4 % SD), so the mean moves by a little more than the sampling error.
  assert.ok(Math.abs(mean - area.mean) < 0.04 * area.mean, `physis area mean ${mean.toFixed(0)} mm2 vs ${area.mean} (${area.source})`);
  const inRange = areas.filter((a) => a >= 0.9 * area.range[0] && a <= 1.1 * area.range[1]).length / areas.length;
  assert.ok(inRange > 0.97, `${(100 * inRange).toFixed(1)} % within the published range (10 % margin for the size draw)`);
});
