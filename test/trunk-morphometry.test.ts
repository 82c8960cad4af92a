// The simulator's vertebral bodies and ribs against the published measurements they are drawn from
// (data/simulate/trunk-anatomy.json): sagittal wedging by level and sex (Masharawi et al. 2010),
// L5's endplate depth and its anterior and posterior heights, and the waist of the body at
// mid-height (Cook & Baker 2021), measured in the voxelised phantom; the costal margin's course
// (Gray's Anatomy: the seventh cartilage at T9, the ninth's tip at L1's lower endplate, the
// tenth's lowest point at L3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Point3, Vector3 } from '../src/core/geometry.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { OUTSIDE_REGION, voxelisePhantom } from '../src/physics/phantom/voxelise.js';
import { PhantomBuilder } from '../src/simulate/phantom-builder.js';
import type { SimulatedPerson } from '../src/simulate/person.js';
import { addSpine, along } from '../src/simulate/spine/spine-anatomy.js';
import type { SpineShape } from '../src/simulate/spine/spine-shape.js';
import type { SpineLevel } from '../src/simulate/spine/spine-levels.js';
import { drawSpineShape, ribArcsDeg } from '../src/simulate/spine/spine-shape.js';
import {
  L5_ANTERIOR_HEIGHT_MM,
  L5_ENDPLATE_DEPTH_MM,
  L5_POSTERIOR_HEIGHT_MM,
  WAIST_SHARE,
  meanWedgingDeg,
} from '../src/simulate/spine/vertebral-body-morphometry.js';
import { ribCourse } from '../src/simulate/trunk/rib-course.js';

/** Adults of the simulator's reference stature for their sex, so that drawn sizes are the published ones. */
function person(i: number): SimulatedPerson {
  const female = i % 2 === 0;
  return {
    patientId: `SIM-TRUNK-${i}`,
    sex: female ? 'F' : 'M',
    ageYears: 60,
    heightCm: female ? 160 : 172,
    weightKg: 72,
    bmi: 25,
    targets: { spineVbmd: 110 },
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]): number => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));

test('drawn sagittal wedging of T9-L5 matches Masharawi 2010 by level and sex (means within 0.35 degrees, spread 1.5 +- 0.3)', () => {
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < 600; i++) {
    const p = person(i);
    for (const v of drawSpineShape(p, { fractureShare: 0 }, new SeededRandom(i)).vertebrae) {
      const key = `${v.level}:${p.sex}`;
      byKey.set(key, [...(byKey.get(key) ?? []), v.wedgeDeg]);
    }
  }
  for (const level of ['T9', 'T10', 'T11', 'T12', 'L1', 'L2', 'L3', 'L4', 'L5']) {
    for (const sex of ['F', 'M'] as const) {
      const drawn = byKey.get(`${level}:${sex}`) ?? [];
      assert.ok(drawn.length > 250, `${level} ${sex}: ${drawn.length} drawn`);
      const published = meanWedgingDeg(level, sex);
      assert.ok(Math.abs(mean(drawn) - published) < 0.35, `${level} ${sex}: mean ${mean(drawn).toFixed(2)} vs ${published}`);
      assert.ok(Math.abs(sd(drawn) - 1.5) < 0.3, `${level} ${sex}: SD ${sd(drawn).toFixed(2)}`);
    }
  }
  // The source's pattern: ventral wedging at the thoracolumbar junction, dorsal at L5, men more ventral.
  assert.ok(meanWedgingDeg('T11', 'M') > 4 && meanWedgingDeg('L5', 'F') < -7);
});

/**
 * L5's body measured in the voxelised spine. The spine is built straight (every body's axis along
 * z), so that lines along the patient's axes run along the body's own: heights along z near the
 * anterior wall (0.85 of the AP semi-axis forwards) and the posterior wall (0.6 back), depths along
 * y through the midline.
 */
function measureL5(drawn: SpineShape): { anteriorMinusPosteriorMm: number; endplateDepthMm: number; waist: number } {
  // Without the posterior wall's indentation, which the height near the wall would fall into (tested on its own below).
  const spine: SpineShape = { ...drawn, vertebrae: drawn.vertebrae.map((v) => ({ ...v, axis: [0, 0, 1] as const, posteriorConcavityMm: 0 })) };
  const builder = new PhantomBuilder();
  const regions = addSpine(builder, spine, 1);
  const phantom = builder.build();
  const l5 = spine.vertebrae.find((v) => v.level === 'L5')!;
  const isBody = (r: number): boolean => r !== OUTSIDE_REGION && regions.bodyCode.get(r) === l5.code;
  const step = 0.05;
  const [, b] = l5.semiMm;
  const h = l5.halfHeightMm;
  const [cx, cy, cz] = l5.centerMm;
  /** Length of the body's run of labels along one grid line, mm. */
  const run = (labels: Uint8Array): number => {
    let first = -1;
    let last = -1;
    labels.forEach((r, k) => {
      if (isBody(r)) {
        if (first < 0) first = k;
        last = k;
      }
    });
    return first < 0 ? 0 : (last - first + 1) * step;
  };
  const values = new Float64Array(phantom.regions.length);
  const height = (y: number): number => {
    const slices = Math.round((2 * h + 12) / step);
    const grid = { columns: 1, rows: 1, slices, spacingMm: [step, step, step] as const, originMm: [cx, cy + y, cz - h - 6] as Point3 };
    return run(voxelisePhantom(phantom, grid, values, 0, 1).regions);
  };
  const depth = (z: number): number => {
    const rows = Math.round((2.4 * b) / step);
    const grid = { columns: 1, rows, slices: 1, spacingMm: [step, step, step] as const, originMm: [cx, cy - 1.3 * b, cz + z] as Point3 };
    return run(voxelisePhantom(phantom, grid, values, 0, 1).regions);
  };
  // Over the full depth (1.72 semi-axes: the posterior wall is flat at 0.72) the difference grows in proportion.
  const anteriorMinusPosteriorMm = ((height(-0.85 * b) - height(0.6 * b)) * 1.72) / 1.45;
  return { anteriorMinusPosteriorMm, endplateDepthMm: depth(h - 2.5), waist: depth(0) / depth(h - 2.5) };
}

test('voxelised L5: anterior minus posterior height, endplate depth by sex (Cook & Baker 2021) and the waist at mid-height', () => {
  const measured = Array.from({ length: 40 }, (_, i) => {
    const p = person(i);
    return { sex: p.sex, ...measureL5(drawSpineShape(p, { fractureShare: 0 }, new SeededRandom(100 + i))) };
  });
  const publishedDifference = L5_ANTERIOR_HEIGHT_MM.mean - L5_POSTERIOR_HEIGHT_MM.mean;
  const difference = mean(measured.map((m) => m.anteriorMinusPosteriorMm));
  assert.ok(Math.abs(difference - publishedDifference) < 1.2, `anterior - posterior ${difference.toFixed(2)} mm vs ${publishedDifference.toFixed(1)}`);
  for (const sex of ['F', 'M'] as const) {
    const depth = mean(measured.filter((m) => m.sex === sex).map((m) => m.endplateDepthMm));
    // 2.5 mm inside the endplate the waist has narrowed the body by about 1.5 %.
    const published = L5_ENDPLATE_DEPTH_MM[sex].mean;
    assert.ok(Math.abs(depth / published - 1) < 0.07, `${sex}: endplate depth ${depth.toFixed(1)} mm vs ${published}`);
  }
  const waist = mean(measured.map((m) => m.waist));
  // Mid-height over 2.5 mm inside the endplate: the published mid-body/endplate ratio, less the little the profile has narrowed there.
  assert.ok(waist > WAIST_SHARE.mean - 0.01 && waist < WAIST_SHARE.mean + 0.04, `waist ${waist.toFixed(3)} vs ${WAIST_SHARE.mean}`);
  assert.ok(waist < 0.985, `the body waists at mid-height (${waist.toFixed(3)})`);
});

test("the ribs' front ends lie at the costal margin's landmarks: the seventh at T9, the ninth at L1's lower endplate, the tenth at L3 (means within 3 mm)", () => {
  const misses = new Map<SpineLevel, number[]>();
  const landmarks: [SpineLevel, SpineLevel, number][] = [
    ['T7', 'T9', 0],
    ['T9', 'L1', -1],
    ['T10', 'L3', 0],
  ];
  const descents: number[] = [];
  for (let i = 0; i < 200; i++) {
    const p = person(i);
    const spine = drawSpineShape(p, { fractureShare: 0 }, new SeededRandom(i));
    const arcDeg = ribArcsDeg(spine.variant);
    const vertebra = (level: SpineLevel) => spine.vertebrae.find((v) => v.level === level)!;
    const course = ribCourse({
      person: p,
      spine,
      arcDeg,
      startOf: (level) => ({ zMm: along(vertebra(level), 40, 30, 0)[2], deg: 20 }),
    });
    for (const [rib, level, share] of landmarks) {
      const v = vertebra(level);
      const target = along(v, 0, 0, share * v.halfHeightMm)[2];
      misses.set(rib, [...(misses.get(rib) ?? []), course.endZMm(rib) - target]);
    }
    // The tenth rib falls from T10 to L3: more than three vertebrae (about 100 mm), where the earlier ribs fell 30 mm.
    descents.push(along(vertebra('T10'), 40, 30, 0)[2] - course.endZMm('T10'));
    // Ribs 11 and 12 float: no cartilage; the tenth ends in it.
    assert.ok(!course.isCartilage('T11', arcDeg.T11 ?? 0) && course.isCartilage('T10', arcDeg.T10 ?? 0));
  }
  for (const [rib, miss] of misses) assert.ok(Math.abs(mean(miss)) < 3, `rib ${rib}: front end ${mean(miss).toFixed(1)} mm from its landmark`);
  assert.ok(mean(descents) > 100, `tenth rib falls ${mean(descents).toFixed(0)} mm`);
  assert.ok(sd(misses.get('T10')!) > 4, 'the landmarks vary between people');
});

/**
 * The body of a level measured along z (straight spine, no sagittal wedging or posterior indentation, so that only the fracture
 * shapes it): the run of its labels at the midline near the anterior wall (0.85 of the AP semi-axis
 * forwards), at the centre, and near the posterior wall (0.6 back), mm.
 */
function bodyRuns(drawn: SpineShape, level: SpineLevel): { anteriorMm: number; middleMm: number; posteriorMm: number } {
  const spine: SpineShape = { ...drawn, vertebrae: drawn.vertebrae.map((v) => ({ ...v, axis: [0, 0, 1] as const, wedgeDeg: 0, posteriorConcavityMm: 0 })) };
  const builder = new PhantomBuilder();
  const regions = addSpine(builder, spine, 1);
  const phantom = builder.build();
  const v = spine.vertebrae.find((x) => x.level === level)!;
  const step = 0.05;
  const values = new Float64Array(phantom.regions.length);
  const run = (y: number): number => {
    const slices = Math.round((2 * v.halfHeightMm + 12) / step);
    const grid = {
      columns: 1,
      rows: 1,
      slices,
      spacingMm: [step, step, step] as const,
      originMm: [v.centerMm[0], v.centerMm[1] + y, v.centerMm[2] - v.halfHeightMm - 6] as Point3,
    };
    const labels = voxelisePhantom(phantom, grid, values, 0, 1).regions;
    let [first, last] = [-1, -1];
    labels.forEach((r, k) => {
      if (r !== OUTSIDE_REGION && regions.bodyCode.get(r) === v.code) {
        if (first < 0) first = k;
        last = k;
      }
    });
    return first < 0 ? 0 : (last - first + 1) * step;
  };
  const b = v.semiMm[1];
  return { anteriorMm: run(-0.85 * b), middleMm: run(0), posteriorMm: run(0.6 * b) };
}

test('voxelised fractures have the height loss of their type and grade: a wedge at the front (hinged at the posterior wall), a biconcave body in the middle', () => {
  const seen = new Set<string>();
  for (let i = 0; seen.size < 2 && i < 60; i++) {
    const spine = drawSpineShape(person(i), { fractureShare: 1 }, new SeededRandom(300 + i));
    const broken = spine.vertebrae.find((v) => v.fracture !== null)!;
    const f = broken.fracture!;
    if (f.type === 'crush' || seen.has(f.type)) continue;
    seen.add(f.type);
    const runs = bodyRuns(spine, broken.level);
    if (f.type === 'wedge') {
      // The top endplate falls linearly from the posterior wall (0.72 b) to the front (-b): at -0.85 b it has lost
      // (0.72 + 0.85) / 1.72 of the anterior loss, at 0.6 b (0.72 - 0.6) / 1.72 of it; the inferior endplate's
      // concavity (inside 0.7 b) takes a little off the posterior run.
      const expected = (1 - (f.heightLoss * 1.57) / 1.72) / (1 - (f.heightLoss * 0.12) / 1.72);
      const ratio = runs.anteriorMm / runs.posteriorMm;
      console.log(`wedge, loss ${f.heightLoss.toFixed(3)}: anterior/posterior ${ratio.toFixed(3)} (geometry ${expected.toFixed(3)})`);
      assert.ok(Math.abs(ratio - expected) < 0.05, `${ratio} against ${expected}`);
    } else {
      // Each endplate caves in by the loss times the half-height at the centre: the middle keeps 1 - loss of the front.
      const ratio = runs.middleMm / runs.anteriorMm;
      console.log(`biconcave, loss ${f.heightLoss.toFixed(3)}: middle/anterior ${ratio.toFixed(3)} (geometry ${(1 - f.heightLoss).toFixed(3)})`);
      assert.ok(Math.abs(ratio - (1 - f.heightLoss)) < 0.04, `${ratio} against ${1 - f.heightLoss}`);
    }
  }
  assert.equal(seen.size, 2, 'a wedge and a biconcave fracture among the draws');
});

test('kidney-shaped bodies: the posterior wall indented at the midline by the drawn depth (lumbar 2.5 mm on average, thoracic half), lined by cortex', () => {
  const lumbar: number[] = [];
  const thoracic: number[] = [];
  for (let i = 0; i < 200; i++)
    for (const v of drawSpineShape(person(i), { fractureShare: 0 }, new SeededRandom(900 + i)).vertebrae)
      (v.level.startsWith('L') ? lumbar : thoracic).push(v.posteriorConcavityMm);
  assert.ok(Math.abs(mean(lumbar) - 2.5) < 0.1 && Math.abs(sd(lumbar) - 0.8) < 0.1, `lumbar ${mean(lumbar)} sd ${sd(lumbar)}`);
  assert.ok(Math.abs(mean(thoracic) - 1.25) < 0.06, `thoracic ${mean(thoracic)}`);
  // Voxelised along y at mid-height of L2 (straight spine): the body's run at the midline is shorter than
  // without the concavity by its depth; 0.6 of the LR semi-axis out, beyond the indentation, it is not.
  const drawn = drawSpineShape(person(1), { fractureShare: 0 }, new SeededRandom(7));
  const run = (depthMm: number, xShare: number): { bodyMm: number; backLabel: string } => {
    const vertebrae = drawn.vertebrae.map((v) => ({ ...v, axis: [0, 0, 1] as Vector3, wedgeDeg: 0, posteriorConcavityMm: depthMm }));
    const builder = new PhantomBuilder();
    const regions = addSpine(builder, { ...drawn, vertebrae }, 1);
    const phantom = builder.build();
    const v = vertebrae.find((x) => x.level === 'L2')!;
    const step = 0.05;
    const grid = {
      columns: 1,
      rows: Math.round((2 * v.semiMm[1] + 10) / step),
      slices: 1,
      spacingMm: [step, step, step] as const,
      originMm: [v.centerMm[0] + xShare * v.semiMm[0], v.centerMm[1] - v.semiMm[1] - 5, v.centerMm[2]] as Point3,
    };
    const labels = voxelisePhantom(phantom, grid, new Float64Array(phantom.regions.length), 0, 1).regions;
    let last = -1;
    let count = 0;
    labels.forEach((r, j) => {
      if (r !== OUTSIDE_REGION && regions.bodyCode.get(r) === v.code) {
        count++;
        last = j;
      }
    });
    return { bodyMm: count * step, backLabel: phantom.regions[labels[last]!]!.name };
  };
  const flat = run(0, 0);
  const kidney = run(2.5, 0);
  console.log(`L2 at the midline: ${flat.bodyMm.toFixed(2)} mm flat, ${kidney.bodyMm.toFixed(2)} mm indented by 2.5`);
  assert.ok(Math.abs(flat.bodyMm - kidney.bodyMm - 2.5) < 0.1, `${flat.bodyMm} - ${kidney.bodyMm}`);
  assert.ok(kidney.backLabel.includes('L2 cortical shell'), kidney.backLabel);
  assert.ok(Math.abs(run(0, 0.6).bodyMm - run(2.5, 0.6).bodyMm) < 0.1, 'beyond the indentation the wall is whole');
});
