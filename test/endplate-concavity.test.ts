// The simulator's concave endplates against their source (Wang, Battie & Videman, Eur Spine J
// 2012): drawn depths of 1.5 mm (inferior endplates, cranial to the disc) and 0.7 mm (superior),
// and in the voxelised phantom the disc reaching that far into the body at the endplate's centre,
// lined by cortex, while the rim beyond the central 70 % stays flat.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Point3 } from '../src/core/geometry.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { OUTSIDE_REGION, voxelisePhantom } from '../src/physics/phantom/voxelise.js';
import { PhantomBuilder } from '../src/simulate/phantom-builder.js';
import type { SimulatedPerson } from '../src/simulate/person.js';
import { INFERIOR_ENDPLATE_CONCAVITY_MM, SUPERIOR_ENDPLATE_CONCAVITY_MM } from '../src/simulate/spine/endplate-morphometry.js';
import { addSpine, along } from '../src/simulate/spine/spine-anatomy.js';
import { drawSpineShape } from '../src/simulate/spine/spine-shape.js';

function person(i: number): SimulatedPerson {
  return { patientId: `SIM-ENDPLATE-${i}`, sex: i % 2 === 0 ? 'F' : 'M', ageYears: 65, heightCm: 168, weightKg: 72, bmi: 25.5, targets: { spineVbmd: 110 } };
}

test('drawn endplate concavities match the source: 1.5 mm inferior, 0.7 mm superior (means within 5 %)', () => {
  const inferior: number[] = [];
  const superior: number[] = [];
  for (let i = 0; i < 300; i++) {
    const s = drawSpineShape(person(i), { fractureShare: 0 }, new SeededRandom(i));
    for (const v of s.vertebrae) {
      inferior.push(v.inferiorConcavityMm);
      superior.push(v.superiorConcavityMm);
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(mean(inferior) / INFERIOR_ENDPLATE_CONCAVITY_MM.mean - 1) < 0.05, `inferior ${mean(inferior).toFixed(2)} mm`);
  assert.ok(Math.abs(mean(superior) / SUPERIOR_ENDPLATE_CONCAVITY_MM.mean - 1) < 0.05, `superior ${mean(superior).toFixed(2)} mm`);
});

test('voxelised: the disc reaches the drawn depth into the body at the endplate centre, cortex beyond it, the rim flat', () => {
  const spine = drawSpineShape(person(3), { fractureShare: 0 }, new SeededRandom(3));
  const builder = new PhantomBuilder();
  const regions = addSpine(builder, spine, 1);
  const phantom = builder.build();
  const l2 = spine.vertebrae.find((v) => v.level === 'L2')!;
  const isDisc = (r: number): boolean => r === regions.discRegion;
  const isCortex = (r: number): boolean => r !== OUTSIDE_REGION && regions.vertebraCode.get(r) === l2.code && !regions.cancellousCode.has(r);
  const step = 0.05;
  /** Labels along z through a point of the body's frame, from 4 mm below its inferior endplate upwards (index 0 at the start). */
  const labelsThrough = (x: number, y: number): { labels: Uint8Array; z0: number } => {
    const p: Point3 = along(l2, x, y, -l2.halfHeightMm);
    const z0 = p[2] - 4;
    const grid = { columns: 1, rows: 1, slices: Math.round(12 / step), spacingMm: [0.1, 0.1, step] as const, originMm: [p[0], p[1], z0] as Point3 };
    const out = voxelisePhantom(phantom, grid, new Float64Array(phantom.regions.length), 0, 1);
    return { labels: out.regions, z0 };
  };
  /** Height above the endplate plane (along z at this point) where the disc gives way to bone. */
  const discTop = (x: number, y: number): { discMm: number; cortexMm: number } => {
    const { labels } = labelsThrough(x, y);
    let k = Math.round(4 / step) - Math.round(1 / step); // start inside the disc, 1 mm below the plane
    assert.ok(isDisc(labels[k]!), `no disc 1 mm below L2's inferior endplate at (${x}, ${y})`);
    while (k < labels.length && isDisc(labels[k]!)) k++;
    const discMm = k * step - 4;
    let c = k;
    while (c < labels.length && isCortex(labels[c]!)) c++;
    return { discMm, cortexMm: (c - k) * step };
  };
  const tilt = Math.acos(Math.min(1, Math.abs(l2.axis[2])));
  const centre = discTop(0, 0);
  const expected = l2.inferiorConcavityMm / Math.cos(tilt);
  assert.ok(Math.abs(centre.discMm - expected) < 0.25, `disc ${centre.discMm.toFixed(2)} mm into the body, drawn ${expected.toFixed(2)}`);
  assert.ok(
    Math.abs(centre.cortexMm - l2.endplateMm / Math.cos(tilt)) < 0.3,
    `endplate cortex ${centre.cortexMm.toFixed(2)} mm, drawn ${l2.endplateMm.toFixed(2)}`,
  );
  // Beyond the central 70 % (at 85 % of the semi-axis) the endplate is flat: bone starts at the plane.
  const rim = discTop(0.85 * l2.semiMm[0], 0);
  assert.ok(Math.abs(rim.discMm) < 0.25 + Math.tan(tilt) * 0.85 * l2.semiMm[0], `rim: disc ${rim.discMm.toFixed(2)} mm into the body`);
});
