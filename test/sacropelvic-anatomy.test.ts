// The simulator's sacrum and iliac crests against the published measurements it draws them from
// (data/simulate/trunk-anatomy.json, through src/simulate/spine/sacropelvic-morphometry.ts), and the voxelised sacrum's shape: tilted by the
// sacral slope, its lateral masses a joint space from the ilia, its alae fatty when bone is poor.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { packageDataPath } from '../src/core/package-paths.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import type { SimulatedPerson } from '../src/simulate/person.js';
import { sacrumGeometry } from '../src/simulate/spine/sacrum-anatomy.js';
import {
  AURICULAR_HEIGHT_MM,
  ILIAC_CREST_ABOVE_SACRAL_BASE_MM,
  INTERAURICULAR_DISTANCE_MM,
  SACRAL_HEIGHT_MM,
  SACRAL_SLOPE_DEG,
} from '../src/simulate/spine/sacropelvic-morphometry.js';
import { drawSpineShape } from '../src/simulate/spine/spine-shape.js';
import { loadTrunkAnatomyMeasures } from '../src/simulate/trunk-anatomy-measures.js';

const random = new SeededRandom(2026);
/** Adults of average stature for their sex, so that the drawn dimensions are the published ones. */
const people: SimulatedPerson[] = Array.from({ length: 600 }, (_, k) => ({
  patientId: `P${k}`,
  sex: k % 2 === 0 ? 'F' : 'M',
  ageYears: 50 + (k % 40),
  heightCm: k % 2 === 0 ? 160 : 172,
  weightKg: 70,
  bmi: 25,
  targets: { spineVbmd: 40 + (k % 150) },
}));
const shapes = people.map((p) => drawSpineShape(p, { fractureShare: 0 }, random));

function meanSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) };
}

test('drawn sacral slope, height, interauricular distance, auricular height and crest height match their sources (mean within 6 %, SD within 30 %)', () => {
  const checks = [
    { name: 'sacral slope', values: shapes.map((s) => s.sacrum.slopeDeg), published: SACRAL_SLOPE_DEG },
    { name: 'sacral height', values: shapes.map((s) => s.sacrum.heightMm), published: SACRAL_HEIGHT_MM },
    { name: 'interauricular distance', values: shapes.map((s) => s.sacrum.interauricularMm), published: INTERAURICULAR_DISTANCE_MM },
    { name: 'auricular height', values: shapes.map((s) => s.sacrum.auricularHeightMm), published: AURICULAR_HEIGHT_MM },
    { name: 'iliac crest above the sacral base', values: shapes.map((s) => s.sacrum.iliacCrestAboveBaseMm), published: ILIAC_CREST_ABOVE_SACRAL_BASE_MM },
  ];
  for (const c of checks) {
    const { mean, sd } = meanSd(c.values);
    assert.ok(Math.abs(mean - c.published.mean) < 0.06 * c.published.mean, `${c.name}: mean ${mean.toFixed(1)} vs ${c.published.mean} (${c.published.source})`);
    // The person-to-person spread of stature adds to the published SD, and draws are clipped at 2.5 SD.
    assert.ok(sd > 0.7 * c.published.sd && sd < 1.6 * c.published.sd, `${c.name}: SD ${sd.toFixed(1)} vs ${c.published.sd}`);
  }
  // Women's crests lie lower against the sacral base than men's (Okamoto 2020).
  const crest = (sex: 'F' | 'M'): number => meanSd(shapes.filter((_, k) => people[k]!.sex === sex).map((s) => s.sacrum.iliacCrestAboveBaseMm)).mean;
  assert.ok(crest('M') - crest('F') > 3 && crest('M') - crest('F') < 9, `crest M ${crest('M').toFixed(1)}, F ${crest('F').toFixed(1)}`);
});

test('the S1 endplate is tilted by the sacral slope, the sacrum curves forwards to its apex, and its lateral masses reach the joints', () => {
  for (const shape of shapes.slice(0, 50)) {
    const g = sacrumGeometry(shape);
    const tilt = (Math.acos(g.segments[0]!.axis[2]) * 180) / Math.PI;
    assert.ok(Math.abs(tilt - shape.sacrum.slopeDeg) < 1e-6, `S1 axis ${tilt.toFixed(1)} vs slope ${shape.sacrum.slopeDeg.toFixed(1)} degrees`);
    // Below its base the sacrum runs backwards (+y), then the lower segments turn forwards.
    const [s1, , s3, , s5] = g.segments;
    assert.ok(s3!.centreMm[1] > s1!.centreMm[1] + 5, 'S3 behind S1');
    const s5Direction = s5!.axis[1];
    assert.ok(s5Direction > s1!.axis[1], 'S5 turned forwards against S1');
    // Segment heights add up to the sacral height.
    const height = g.segments.reduce((a, s) => a + 2 * s.halfHeightMm, 0);
    assert.ok(Math.abs(height - shape.sacrum.heightMm) < 1e-6);
    // Each lateral mass's outer surface lies within 8 mm of half the interauricular distance.
    for (const m of g.lateralMasses) {
      const outer = Math.abs(m.centreMm[0] - shape.sacrumTopMm[0]) + m.semiMm[0];
      assert.ok(
        Math.abs(outer - shape.sacrum.interauricularMm / 2) < 8,
        `lateral mass reaches ${outer.toFixed(1)} mm, joint at ${(shape.sacrum.interauricularMm / 2).toFixed(1)}`,
      );
    }
  }
});

test('data/simulate/trunk-anatomy.json: every published measure names a source the file defines, in words, and the simulator draws from its values', () => {
  const measures = loadTrunkAnatomyMeasures();
  const raw = JSON.parse(readFileSync(packageDataPath('simulate', 'trunk-anatomy.json'), 'utf8')) as { sources: Record<string, string> };
  const all = [
    ...Object.values(measures.sacropelvic),
    measures.endplates.inferiorConcavityMm,
    measures.endplates.superiorConcavityMm,
    measures.endplates.centralShare,
    ...Object.values(measures.segmentationVariants),
    ...Object.values(measures.segmentHeightShares),
  ];
  assert.equal(all.length, 16);
  for (const m of all) assert.ok(Object.values(raw.sources).includes(m.source) && m.source.length > 40, m.source);
  // The simulator's constants are the file's values (the tests above check the drawn shapes against them).
  assert.equal(SACRAL_SLOPE_DEG.mean, 39.5);
  assert.equal(SACRAL_SLOPE_DEG, measures.sacropelvic.sacralSlopeDeg);
  assert.equal(measures.segmentationVariants.sacralisationShare.value, 0.123);
  assert.equal(measures.segmentHeightShares.elbow.value, 0.63);
});
