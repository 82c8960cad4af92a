// Schmorl nodes in the simulator against their sources (data/simulate/trunk-anatomy.json): the drawn
// prevalence by sex (Yin et al. 2015: men 34.6 %, women 20.2 %), the upper lumbar levels favoured,
// and a node voxelised: disc material sunk its drawn depth into the body inside a sclerotic rim,
// part of the body's outline but not of its cancellous bone (the QCT truth).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Point3 } from '../src/core/geometry.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { OUTSIDE_REGION, voxelisePhantom } from '../src/physics/phantom/voxelise.js';
import { PhantomBuilder } from '../src/simulate/phantom-builder.js';
import type { SimulatedPerson } from '../src/simulate/person.js';
import { addSpine } from '../src/simulate/spine/spine-anatomy.js';
import type { SchmorlNode } from '../src/simulate/spine/schmorl-nodes.js';
import { drawSchmorlNodes, schmorlNodeShare } from '../src/simulate/spine/schmorl-nodes.js';
import type { SpineShape, VertebraShape } from '../src/simulate/spine/spine-shape.js';
import { drawSpineShape } from '../src/simulate/spine/spine-shape.js';
import { SPINE_LEVELS } from '../src/simulate/spine/spine-levels.js';

test('drawn Schmorl nodes: prevalence by sex as published (within 0.02 over 6,000 people each), upper lumbar levels the commonest', () => {
  const random = new SeededRandom(11);
  const byLevel = new Map<string, number>();
  for (const sex of ['F', 'M'] as const) {
    let withNodes = 0;
    const n = 6000;
    for (let i = 0; i < n; i++) {
      const nodes = drawSchmorlNodes({ sex, levels: SPINE_LEVELS, excluded: [], random });
      if (nodes.length > 0) withNodes++;
      for (const node of nodes) {
        byLevel.set(node.level, (byLevel.get(node.level) ?? 0) + 1);
        assert.ok(node.widthMm >= 4 && node.widthMm <= 12 && node.depthMm >= 3 && node.depthMm <= 8);
      }
    }
    const share = withNodes / n;
    assert.ok(Math.abs(share - schmorlNodeShare(sex)) < 0.02, `${sex}: ${share} against ${schmorlNodeShare(sex)}`);
  }
  assert.ok(Math.abs(schmorlNodeShare('M') - 0.346) < 1e-9 && Math.abs(schmorlNodeShare('F') - 0.202) < 1e-9);
  const count = (l: string): number => byLevel.get(l) ?? 0;
  assert.ok(count('L2') > 2 * count('L5') && count('L1') > 2 * count('L5'), JSON.stringify([...byLevel]));
  assert.equal(count('T12'), 0, 'lumbar only, as the sources');
  // A fractured level is never given one.
  for (let i = 0; i < 500; i++)
    for (const node of drawSchmorlNodes({ sex: 'M', levels: SPINE_LEVELS, excluded: ['L2'], random })) assert.notEqual(node.level, 'L2');
});

const person: SimulatedPerson = { patientId: 'SIM-SCHMORL', sex: 'M', ageYears: 60, heightCm: 172, weightKg: 75, bmi: 25, targets: { spineVbmd: 110 } };

test('a voxelised Schmorl node: its drawn depth of disc material inside a sclerotic rim, out of the cancellous truth', () => {
  const drawn = drawSpineShape(person, { fractureShare: 0 }, new SeededRandom(5));
  const node: SchmorlNode = { level: 'L2', endplate: 'inferior', widthMm: 8, depthMm: 5, rimMm: 1, offsetShare: [0.1, -0.1] };
  const straight: VertebraShape[] = drawn.vertebrae.map((v) => ({ ...v, axis: [0, 0, 1], wedgeDeg: 0 }));
  const build = (nodes: readonly SchmorlNode[]) => {
    const spine: SpineShape = { ...drawn, vertebrae: straight, schmorlNodes: nodes };
    const builder = new PhantomBuilder();
    const regions = addSpine(builder, spine, 1);
    return { regions, phantom: builder.build() };
  };
  const v = straight.find((x) => x.level === 'L2')!;
  const [x, y] = [v.centerMm[0] + 0.1 * v.semiMm[0], v.centerMm[1] - 0.1 * v.semiMm[1]];
  const step = 0.05;
  // A column along the axis through the node's centre, from 4 mm below the inferior endplate to the body's middle.
  const column = (built: ReturnType<typeof build>): Uint8Array => {
    const grid = {
      columns: 1,
      rows: 1,
      slices: Math.round((v.halfHeightMm + 4) / step),
      spacingMm: [step, step, step] as const,
      originMm: [x, y, v.centerMm[2] - v.halfHeightMm - 4] as Point3,
    };
    return voxelisePhantom(built.phantom, grid, new Float64Array(built.phantom.regions.length), 0, 1).regions;
  };
  const withNode = build([node]);
  const labels = column(withNode);
  const name = (r: number): string => (r === OUTSIDE_REGION ? 'outside' : withNode.phantom.regions[r]!.name);
  const run = (pattern: string): number => labels.filter((r) => name(r).includes(pattern)).length * step;
  const depth = run('Schmorl node (disc');
  const rim = run("Schmorl node's sclerotic rim");
  console.log(`node depth ${depth.toFixed(2)} mm (drawn 5), rim ${rim.toFixed(2)} mm (drawn 1)`);
  assert.ok(Math.abs(depth - 5) < 0.15, `depth ${depth}`);
  assert.ok(Math.abs(rim - 1) < 0.15, `rim ${rim}`);
  // The node begins at the endplate's plane: below it is the disc, above its rim the cancellous bone.
  const firstNode = labels.findIndex((r) => name(r).includes('Schmorl node (disc'));
  assert.ok(Math.abs(firstNode * step - 4) < 0.15, `node starts ${firstNode * step} mm above the column's start`);
  assert.ok(name(labels[firstNode - 2]!).includes('intervertebral disc'));
  const afterRim = labels.findIndex((r, k) => k > firstNode && !name(r).includes('Schmorl'));
  assert.ok(name(labels[afterRim]!).includes('L2 cancellous'), name(labels[afterRim]!));
  for (const r of new Set(labels))
    if (name(r).includes('Schmorl')) {
      assert.equal(withNode.regions.bodyCode.get(r), v.code, 'part of the body');
      assert.equal(withNode.regions.cancellousCode.get(r), undefined, 'not cancellous bone');
    }
  // Without the node the same column is cancellous bone where the node is.
  const plain = column(build([]));
  const plainName = (r: number): string => build([]).phantom.regions[r]?.name ?? 'outside';
  assert.ok(plainName(plain[firstNode + Math.round(4 / step)]!).includes('L2 cancellous'));
});
