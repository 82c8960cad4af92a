// The model-free vertebra count on a closed-form spine (boxes of known position, discs, a sacrum
// with alae), and its cross-check of the localisation network.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Volume3D } from '../src/core/volume3d.js';
import { createVolume3D } from '../src/core/volume3d.js';
import { crossCheckLevels } from '../src/pipelines/ct-spine/anatomical-cross-check.js';
import { combinedDiscContrast, countVertebrae, discContrast, dropSpuriousDiscs, splitDoubleGaps } from '../src/pipelines/ct-spine/count-vertebrae.js';
import type { LocatedLevel, VertebraLocalisation } from '../src/pipelines/ct-spine/locate-vertebrae.js';
import { RIB_REACH_MM } from '../src/pipelines/ct-spine/rib-bearing-vertebrae.js';

const SPACING: [number, number, number] = [1.5, 1.5, 2];
const SIZE: [number, number, number] = [200, 160, 150];
/** Body centre of each vertebra (z, mm), L5 the lowest: 26 mm bodies, 9 mm discs. */
const LEVELS = ['L5', 'L4', 'L3', 'L2', 'L1', 'T12', 'T11'] as const;
const SACRUM_TOP_MM = 40;
const PITCH_MM = 35;
const centreZ = (index: number): number => SACRUM_TOP_MM + 9 + 13 + index * PITCH_MM;

/** Distance from a point to the segment a-b, mm. */
function segmentDistance(p: [number, number, number], a: [number, number, number], b: [number, number, number]): number {
  const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * ab[0]! + (p[1] - a[1]) * ab[1]! + (p[2] - a[2]) * ab[2]!) / (ab[0]! ** 2 + ab[1]! ** 2 + ab[2]! ** 2)));
  return Math.hypot(p[0] - a[0] - t * ab[0]!, p[1] - a[1] - t * ab[1]!, p[2] - a[2] - t * ab[2]!);
}

/**
 * Ribs (bone 600 HU, 3 mm radius) on the levels given, from beside the pedicle 4 mm above the body's
 * centre out to 100 mm from the midline, backwards and 15 mm down; transverse processes (500 HU)
 * reaching 45 mm on the other levels.
 */
function ribOrProcess(x: number, y: number, z: number, cx: number, ribLevels: readonly number[]): number | null {
  for (let level = 0; level < LEVELS.length; level++) {
    const zc = centreZ(level);
    if (Math.abs(z - zc) > 40) continue;
    for (const side of [-1, 1]) {
      if (ribLevels.includes(level)) {
        if (segmentDistance([x, y, z], [cx + side * 20, 146, zc + 4], [cx + side * 100, 175, zc - 11]) <= 3) return 600;
      } else if (side * (x - cx) >= 18 && side * (x - cx) <= 45 && y >= 150 && y <= 158 && Math.abs(z - zc) <= 4) return 500;
    }
  }
  return null;
}

/** A trunk of soft tissue with a column of box vertebrae (cortex 600 HU, cancellous 150, discs 90, canal 10, laminae 500) and, optionally, a sacrum with alae and ribs (levels by index in LEVELS). */
function spineVolume(o: { sacrum: boolean; darkMiddles?: boolean; ribLevels?: readonly number[] }): Volume3D {
  const [nx, ny, nz] = SIZE;
  const data = new Float32Array(nx * ny * nz);
  const cx = 150; // mm, spine centre x
  const front = 120; // mm, bodies' anterior wall y
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const [x, y, z] = [i * SPACING[0], j * SPACING[1], k * SPACING[2]];
        let hu = Math.hypot((x - cx) / 140, (y - 130) / 100) <= 1 ? 40 : -1000;
        const inBody = Math.abs(x - cx) <= 22 && y >= front && y <= front + 32;
        // The sacrum with its alae, a 3 mm sacroiliac joint at 55 mm, and the ilia beyond it.
        if (o.sacrum && z < SACRUM_TOP_MM && Math.abs(x - cx) <= 95 && Math.abs(Math.abs(x - cx) - 55) > 1.5 && y >= front && y <= front + 40) hu = 260;
        if (z >= SACRUM_TOP_MM && inBody) {
          const local = (z - SACRUM_TOP_MM) % PITCH_MM;
          const level = Math.floor((z - SACRUM_TOP_MM) / PITCH_MM);
          if (level < LEVELS.length) {
            if (local < 9) hu = 90;
            else {
              const edge = Math.min(local - 9, PITCH_MM - local, x - (cx - 22), cx + 22 - x, y - front, front + 32 - y);
              hu = edge < 2 ? 600 : 150;
              // An osteoporotic body's dark middle (basivertebral veins, fatty marrow): as dark as a disc, inside its walls.
              if (o.darkMiddles === true && edge >= 2 && Math.abs(local - 9 - 13) < 2.5 && Math.abs(x - cx) < 16) hu = 90;
            }
          }
        }
        if (z >= SACRUM_TOP_MM && Math.abs(x - cx) <= 10 && y > front + 32 && y <= front + 48) hu = 10;
        if (z >= SACRUM_TOP_MM && Math.abs(x - cx) <= 18 && y > front + 48 && y <= front + 60) hu = 500;
        if (o.ribLevels !== undefined && z >= SACRUM_TOP_MM && Math.abs(x - cx) > 17) hu = ribOrProcess(x, y, z, cx, o.ribLevels) ?? hu;
        data[i + nx * (j + ny * k)] = hu;
      }
  return createVolume3D({ data, size: SIZE, spacingMm: SPACING, unit: 'HU' });
}

test('the count names L5 up to T11 from the sacrum, each body centre within 3 mm of where it was built', () => {
  const count = countVertebrae(spineVolume({ sacrum: true }));
  assert.equal(count.problem, null);
  assert.ok(Math.abs(count.sacrumTopMm! - (SACRUM_TOP_MM + 4)) <= 8, `lumbosacral disc at ${count.sacrumTopMm} mm`);
  for (const [index, level] of LEVELS.slice(0, 6).entries()) {
    const v = count.vertebrae.find((q) => q.level === level);
    assert.ok(v !== undefined, `${level} not counted: ${count.vertebrae.map((q) => q.level).join(',')}`);
    assert.ok(Math.abs(v.centreMm[2] - centreZ(index)) <= 3, `${level}: z ${v.centreMm[2].toFixed(1)} mm, built at ${centreZ(index)}`);
    assert.ok(Math.abs(v.centreMm[0] - 150) <= 3, `${level}: x ${v.centreMm[0].toFixed(1)}`);
    assert.ok(Math.abs(v.centreMm[1] - 136) <= 6, `${level}: y ${v.centreMm[1].toFixed(1)} (body 120-152 mm)`);
  }
});

test('without a sacrum or ribs the discs are found but no level is named', () => {
  const count = countVertebrae(spineVolume({ sacrum: false }));
  assert.match(count.problem ?? '', /neither the sacrum nor a rib-bearing vertebra/);
  assert.ok(count.discsMm.length >= 5, `${count.discsMm.length} discs`);
  assert.ok(count.vertebrae.every((v) => v.level === null));
});

test('a missed disc in a gap of two pitches is put back at its middle', () => {
  const contrast = new Float64Array(200);
  contrast[120] = 5;
  assert.deepEqual(splitDoubleGaps([190, 155, 85, 50], contrast, 1), [190, 155, 120, 85, 50]);
  // Gaps of one pitch, or more than 2.5, are left alone.
  assert.deepEqual(splitDoubleGaps([190, 155, 120], contrast, 1), [190, 155, 120]);
});

function localisation(levels: Partial<Record<'T12' | 'L1' | 'L2', number>>): VertebraLocalisation {
  const projection = { data: new Float32Array(1), columns: 1, rows: 1, firstColumnMm: 0, topZMm: 298 };
  const located = (['T12', 'L1', 'L2'] as const).map((level): LocatedLevel => ({
    level,
    found: levels[level] !== undefined,
    confidence: levels[level] === undefined ? 0.01 : 0.9,
    centreMm: levels[level] === undefined ? null : [150, 136, levels[level]],
    coronalPoint: null,
    sagittalPoint: null,
    foundBySpacing: false,
    foundByAnatomy: false,
  }));
  return { levels: located, coronal: projection, sagittal: projection, midlineMm: 150, orderProblem: null };
}

test('cross-check: the count stands in when the network finds nothing, and flags a network level one vertebra off', () => {
  const count = countVertebrae(spineVolume({ sacrum: true }));
  const fallback = crossCheckLevels(localisation({}), count);
  assert.equal(fallback.fromAnatomy, true);
  for (const [level, index] of [
    ['L2', 3],
    ['L1', 4],
    ['T12', 5],
  ] as const) {
    const l = fallback.localisation.levels.find((q) => q.level === level)!;
    assert.ok(l.found && l.foundByAnatomy && Math.abs(l.centreMm![2] - centreZ(index)) <= 3, `${level}: ${JSON.stringify(l.centreMm)}`);
  }
  assert.equal(fallback.localisation.orderProblem, null);
  const agreeing = crossCheckLevels(localisation({ T12: centreZ(5) + 4, L1: centreZ(4) - 3, L2: centreZ(3) }), count);
  assert.equal(agreeing.fromAnatomy, false);
  assert.equal(agreeing.disagreement, null);
  // The network one level too high: every level disagrees, and nothing is replaced.
  const shifted = crossCheckLevels(localisation({ T12: centreZ(6), L1: centreZ(5), L2: centreZ(4) }), count);
  assert.equal(shifted.fromAnatomy, false);
  assert.match(shifted.disagreement ?? '', /L1 lies 3\d mm above the L1 counted from the sacrum/);
});

test('a false disc in the middle of a body (two short segments) is dropped, keeping the pitch steady; the lumbosacral disc is kept', () => {
  // 1 mm slices, discs every 35 mm, and a false one at 212 inside the vertebra 230-195.
  assert.deepEqual(dropSpuriousDiscs([300, 265, 230, 212, 195, 160, 125], 1), [300, 265, 230, 195, 160, 125]);
  // Near the lumbosacral disc (kept) the false disc above it goes.
  assert.deepEqual(dropSpuriousDiscs([300, 265, 230, 195, 160, 143, 125], 1, 125), [300, 265, 230, 195, 160, 125]);
  // Steady pitches are left alone, thoracic ones shorter than lumbar included.
  assert.deepEqual(dropSpuriousDiscs([330, 305, 278, 250, 218, 184, 149], 1), [330, 305, 278, 250, 218, 184, 149]);
});

test('a vertebra shortened by a fracture keeps both its clear discs; a weak false disc in a short segment still goes', () => {
  // 1 mm slices, discs every 35 mm; the vertebra 230-208 is 22 mm tall (0.63 of the pitch).
  const contrast = new Float64Array(320).fill(0);
  for (const k of [300, 265, 230, 208, 173, 138]) contrast[k] = 150;
  assert.deepEqual(dropSpuriousDiscs([300, 265, 230, 208, 173, 138], 1, undefined, contrast), [300, 265, 230, 208, 173, 138]);
  // The same short segment ended by a disc a fifth as clear as the rest: a false disc, dropped.
  contrast[208] = 30;
  assert.equal(dropSpuriousDiscs([300, 265, 230, 208, 173, 138], 1, undefined, contrast).length, 5);
});

test('disc contrast: a disc between endplates stands out; the gently darker middle of a waisted body does not', () => {
  // 1 mm slices. Bodies 120 HU with 400 HU endplates; an 8 mm disc at 90 HU centred on slice 50.
  const profile = new Float64Array(101).fill(120);
  for (let k = 46; k <= 54; k++) profile[k] = 90;
  for (const k of [44, 45, 55, 56]) profile[k] = 400;
  const disc = discContrast(profile, 1);
  // Closed form: the brightest 4 mm beside it hold 2 mm of endplate and 2 mm of body, (2 x 400 + 2 x 120) / 4 - 90.
  assert.ok(Math.abs(disc[50]! - 170) < 1e-9, `disc ${disc[50]}`);
  // A body 30 mm tall (endplates at 10 and 40) whose band darkens by 80 HU towards its middle, as a
  // waisted wall moves out of the band: the brightest 4 mm within 9 mm stand 40 HU above the middle,
  // but the brightening goes on past 9 mm, so the middle is no disc.
  const body = Float64Array.from({ length: 51 }, (_, k) => (k === 10 || k === 40 ? 400 : 160 - 80 * Math.cos((Math.PI * (k - 25)) / 30) ** 2));
  const middle = discContrast(body, 1);
  assert.equal(middle[25], 0, `the body's middle reads ${middle[25]}`);
});

test('a gap of three vertebrae of the local pitch gets its two missing discs at the contrast peaks', () => {
  const contrast = new Float64Array(320).fill(0);
  contrast[196] = 50;
  contrast[158] = 45;
  contrast[180] = 20;
  assert.deepEqual(splitDoubleGaps([300, 265, 230, 125, 90], contrast, 1), [300, 265, 230, 196, 158, 125, 90]);
  // A gap of 1.4 pitches is not split (no vertebra is that tall).
  assert.deepEqual(splitDoubleGaps([300, 265, 230, 181, 146], contrast, 1), [300, 265, 230, 181, 146]);
});

test('dark body middles (as dark as a disc inside intact walls) are not taken for discs: the count still names every level', () => {
  const count = countVertebrae(spineVolume({ sacrum: true, darkMiddles: true }));
  assert.equal(count.problem, null);
  for (const [index, level] of LEVELS.slice(0, 6).entries()) {
    const v = count.vertebrae.find((q) => q.level === level);
    assert.ok(v !== undefined, `${level} not counted: ${count.discsMm.map((z) => z.toFixed(0)).join(', ')}`);
    assert.ok(Math.abs(v.centreMm[2] - centreZ(index)) <= 3, `${level}: z ${v.centreMm[2].toFixed(1)} mm, built at ${centreZ(index)}`);
  }
});

test('disc contrast: a dip of the band without one of the walls is vetoed; a deep dip of the walls alone counts', () => {
  const band = Float64Array.from([100, 100, 5, 0]);
  const rim = Float64Array.from([120, 0, 200, Number.NaN]);
  const c = combinedDiscContrast(band, rim);
  assert.equal(c[0], 100); // both dip
  assert.equal(c[1], 10); // the band only: vetoed below MIN_DISC_CONTRAST_HU
  assert.equal(c[2], 50); // the walls only, a quarter of their 200 HU
  assert.equal(c[3], 0); // no wall reading: the band's, capped by nothing
});

test('the lowest rib-bearing vertebra is the second anchor: T12 agrees with the sacrum, names the levels without it, and a lumbar rib is flagged', () => {
  // Ribs on T11 and T12 (indices 6 and 5), transverse processes on L1-L5.
  const typical = countVertebrae(spineVolume({ sacrum: true, ribLevels: [5, 6] }));
  assert.equal(typical.namedFrom, 'sacrum');
  const anchor = typical.vertebrae[typical.lowestRibBearing!]!;
  assert.equal(anchor.level, 'T12');
  assert.ok(anchor.ribReach.leftMm >= RIB_REACH_MM && anchor.ribReach.rightMm >= RIB_REACH_MM, `T12 rib reach ${JSON.stringify(anchor.ribReach)}`);
  const l1 = typical.vertebrae.find((v) => v.level === 'L1')!;
  assert.ok(Math.max(l1.ribReach.leftMm, l1.ribReach.rightMm) <= 50, `L1 transverse processes reach ${JSON.stringify(l1.ribReach)} (built to 45 mm)`);
  assert.equal(typical.ribDisagreement, null);
  // No sacrum: the levels are named counting down from the lowest rib, where they were built.
  const noSacrum = countVertebrae(spineVolume({ sacrum: false, ribLevels: [5, 6] }));
  assert.equal(noSacrum.namedFrom, 'lowest rib');
  assert.equal(noSacrum.problem, null);
  for (const [index, level] of [
    [3, 'L2'],
    [4, 'L1'],
    [5, 'T12'],
  ] as const) {
    const v = noSacrum.vertebrae.find((q) => q.level === level);
    assert.ok(v !== undefined && Math.abs(v.centreMm[2] - centreZ(index)) <= 3, `${level}: ${JSON.stringify(v?.centreMm)}, built at z ${centreZ(index)}`);
  }
  // A rib on L1 as well: the anchors disagree by one level, and the cross-check passes it on.
  const lumbarRib = countVertebrae(spineVolume({ sacrum: true, ribLevels: [4, 5, 6] }));
  assert.match(lumbarRib.ribDisagreement ?? '', /counted from the sacrum as L1, not T12/);
  assert.match(crossCheckLevels(localisation({}), lumbarRib).ribDisagreement ?? '', /as L1/);
});

test('a top vertebra showing no rib is passed over only above a thoracic stack of three rib-bearing vertebrae', () => {
  // No sacrum. The field's top vertebra is the one built at index 5 (no disc above index 6 closes a
  // segment); it gets no ribs, the three below it (indices 4, 3, 2) do.
  const stack = countVertebrae(spineVolume({ sacrum: false, ribLevels: [2, 3, 4] }));
  assert.ok(Math.abs(stack.vertebrae[0]!.centreMm[2] - centreZ(5)) <= 3, `top vertebra at z ${stack.vertebrae[0]!.centreMm[2].toFixed(0)}`);
  assert.ok(Math.max(stack.vertebrae[0]!.ribReach.leftMm, stack.vertebrae[0]!.ribReach.rightMm) < RIB_REACH_MM);
  assert.equal(stack.namedFrom, 'lowest rib');
  const anchor = stack.vertebrae[stack.lowestRibBearing!]!;
  assert.equal(anchor.level, 'T12');
  assert.ok(Math.abs(anchor.centreMm[2] - centreZ(2)) <= 3, `the lowest rib-bearing vertebra at z ${anchor.centreMm[2].toFixed(0)}, built at ${centreZ(2)}`);
  const below = stack.vertebrae.find((v) => v.level === 'L1');
  assert.ok(below !== undefined && Math.abs(below.centreMm[2] - centreZ(1)) <= 3);
  // Two rib-bearing vertebrae below a top without ribs: too short a stack to be sure, nothing is named.
  const short = countVertebrae(spineVolume({ sacrum: false, ribLevels: [3, 4] }));
  assert.equal(short.namedFrom, null);
  assert.equal(short.lowestRibBearing, null);
  assert.match(short.problem ?? '', /neither the sacrum nor a rib-bearing vertebra/);
});
