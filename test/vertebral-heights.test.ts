// Genant's three heights of a vertebral body from a cancellous probability map, against closed forms
// (a box body whose column heights run linearly from front to back, a body with a caved-in middle,
// fractional probabilities at the ends of the columns), and the height-loss rule's three types; then
// the simulator's fractures (Genant 1993 types and grades) voxelised and measured the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENANT_HEIGHT_RATIO, heightLoss, vertebralHeights } from '../src/pipelines/ct-spine/vertebral-heights.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { drawVertebralFracture, fracturedBodyShape } from '../src/simulate/spine/vertebral-fracture.js';
import { loadTrunkAnatomyMeasures } from '../src/simulate/trunk-anatomy-measures.js';

const SIZE: [number, number, number] = [20, 48, 48];
const SPACING: [number, number, number] = [2, 1, 1];
/** The body's footprint: rows (y, anterior first) 10-39, columns 8-39. */
const [Y0, Y1, X0, X1] = [10, 39, 8, 39];

/**
 * A map whose column (y, x) in the footprint holds heightAt(y, x) mm of cancellous bone centred at
 * 19.3 mm along z, its edges blurred as a network's are: the probability at a slice's centre rises
 * linearly through 0.5 at the edge, by 0.4 a slice, to a plateau of 0.9 inside (a soft network's
 * confidence), so the edge lies where the probability crosses 0.5.
 */
function mapOf(heightAt: (y: number, x: number) => number): Float32Array {
  const [nz, ny, nx] = SIZE;
  const sz = SPACING[0];
  const p = new Float32Array(nz * ny * nx);
  for (let y = Y0; y <= Y1; y++)
    for (let x = X0; x <= X1; x++) {
      const half = heightAt(y, x) / 2;
      for (let z = 0; z < nz; z++) {
        const inside = half - Math.abs(z * sz - 19.3);
        p[(z * ny + y) * nx + x] = Math.min(0.9, Math.max(0, 0.5 + (0.4 * inside) / sz));
      }
    }
  return p;
}

test('heights: a body whose columns run linearly from 16 mm at the front to 26 mm at the back reads each band at its middle row', () => {
  const height = (y: number): number => 16 + (10 * (y - Y0)) / (Y1 - Y0);
  const h = vertebralHeights({ probability: mapOf(height), size: SIZE, spacingMm: SPACING });
  // 30 rows: the front fifth is rows 10-15 (median between rows 12 and 13), the middle fifth 22-27, the back fifth 34-39.
  assert.ok(Math.abs(h.anteriorMm - height(12.5)) < 0.01, `anterior ${h.anteriorMm}`);
  assert.ok(Math.abs(h.middleMm - height(24.5)) < 0.01, `middle ${h.middleMm}`);
  assert.ok(Math.abs(h.posteriorMm - height(36.5)) < 0.01, `posterior ${h.posteriorMm}`);
  const loss = heightLoss(h, null)!;
  assert.equal(loss.type, 'wedge');
  assert.ok(Math.abs(loss.ratio - height(12.5) / height(36.5)) < 1e-3);
});

test('heights: a caved-in middle (both endplates) is a biconcave loss; the same body intact is none; a low back against the others is a crush', () => {
  const cave = (y: number, x: number): number => {
    const r = Math.hypot((y - 24.5) / 15, (x - 23.5) / 16);
    return r < 0.7 ? 25 - 8 * (1 - (r / 0.7) ** 2) : 25;
  };
  const h = vertebralHeights({ probability: mapOf(cave), size: SIZE, spacingMm: SPACING });
  assert.ok(Math.abs(h.posteriorMm - 25) < 0.01 && Math.abs(h.anteriorMm - 25) < 0.01, JSON.stringify(h));
  assert.ok(h.middleMm < 19 && h.middleMm > 17, `middle ${h.middleMm}`);
  assert.equal(heightLoss(h, 25)!.type, 'biconcave');
  const intact = vertebralHeights({ probability: mapOf(() => 25), size: SIZE, spacingMm: SPACING });
  assert.equal(heightLoss(intact, 25), null);
  // 19 mm against the others' 25: 0.76 < 0.8; 21 mm: 0.84, not a fracture.
  assert.equal(heightLoss(vertebralHeights({ probability: mapOf(() => 19), size: SIZE, spacingMm: SPACING }), 25)!.type, 'crush');
  assert.equal(heightLoss(vertebralHeights({ probability: mapOf(() => 21), size: SIZE, spacingMm: SPACING }), 25), null);
  assert.equal(GENANT_HEIGHT_RATIO, 0.8);
  // An empty map has no heights and no loss.
  const empty = vertebralHeights({ probability: new Float32Array(20 * 48 * 48), size: SIZE, spacingMm: SPACING });
  assert.deepEqual(empty, { anteriorMm: 0, middleMm: 0, posteriorMm: 0 });
  assert.equal(heightLoss(empty, 25), null);
});

test("drawn fractures: types and grades at the data file's shares, each grade's height loss in Genant's range, shaped where its type takes it", () => {
  const f = loadTrunkAnatomyMeasures().vertebralFractures;
  const random = new SeededRandom(17);
  const n = 4000;
  const draws = Array.from({ length: n }, () => drawVertebralFracture(random));
  const share = (pick: (d: (typeof draws)[number]) => boolean): number => draws.filter(pick).length / n;
  assert.ok(Math.abs(share((d) => d.type === 'wedge') - f.wedgeShare.value) < 0.025);
  assert.ok(Math.abs(share((d) => d.type === 'biconcave') - f.biconcaveShare.value) < 0.025);
  assert.ok(Math.abs(share((d) => d.grade === 3) - f.severeShare.value) < 0.025);
  for (const d of draws) {
    const range = d.grade === 1 ? f.mildHeightLoss : d.grade === 2 ? f.moderateHeightLoss : f.severeHeightLoss;
    assert.ok(d.heightLoss >= range.min && d.heightLoss <= range.max, JSON.stringify(d));
    const shape = fracturedBodyShape(d);
    if (d.type === 'wedge') assert.deepEqual(shape, { heightRatio: 1, anteriorHeightRatio: 1 - d.heightLoss, centralCaveShare: 0 });
    if (d.type === 'crush') assert.deepEqual(shape, { heightRatio: 1 - d.heightLoss, anteriorHeightRatio: 1, centralCaveShare: 0 });
    if (d.type === 'biconcave') assert.deepEqual(shape, { heightRatio: 1, anteriorHeightRatio: 1, centralCaveShare: d.heightLoss });
  }
  // Genant's grade 1 begins at a 20 % loss, grade 3 above 40 %.
  assert.equal(f.mildHeightLoss.min, 0.2);
  assert.equal(f.severeHeightLoss.min, 0.4);
});
