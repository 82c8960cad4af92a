// The lumbar pipeline's look for metal over L1-L4: on synthetic radiographs whose answer is known
// (a bright region of a given size, a clipped plateau, too few bodies), and end to end on a
// SIMULATED study with pedicle screws in L2-L3, which `analyze` must refuse (exit 2, the file named).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createImage2D } from '../src/core/image2d.js';
import type { BodyBox } from '../src/pipelines/lumbar/vertebral-body-boxes.js';
import { IMPLANT_BRIGHT_AREA_MM2, IMPLANT_CLIPPED_AREA_MM2, IMPLANT_NEAR_TOP_AREA_MM2, checkForImplants } from '../src/pipelines/lumbar/implant-check.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const COLUMNS = 200;
const ROWS = 240;
const BODIES: BodyBox[] = (['L1', 'L2', 'L3', 'L4'] as const).map((level, k) => ({ level, x0: 80, x1: 120, y0: 30 + 50 * k, y1: 60 + 50 * k, pixels: 1200 }));

/**
 * Soft tissue about 100 (97-103: as noisy as any radiograph, so it is never one flat plateau at the
 * image's darkest grey, which is what a black shutter is); bodies 180-200 in a pattern whose maxima
 * never touch; metal rectangles on top (textured by `ripple`, so not one plateau).
 */
function radiograph(metal: { x: number; y: number; w: number; h: number; value: number; ripple?: number }[]): ReturnType<typeof createImage2D> {
  const data = new Float32Array(COLUMNS * ROWS);
  for (let y = 0; y < ROWS; y++) for (let x = 0; x < COLUMNS; x++) data[y * COLUMNS + x] = 97 + ((3 * x + 5 * y) % 7);
  for (const b of BODIES) for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) data[y * COLUMNS + x] = 180 + ((7 * x + 13 * y) % 21);
  for (const m of metal)
    for (let y = m.y; y < m.y + m.h; y++) for (let x = m.x; x < m.x + m.w; x++) data[y * COLUMNS + x] = m.value - (m.ripple ?? 0) * ((7 * x + 13 * y) % 21);
  return createImage2D({ data, size: [COLUMNS, ROWS], spacingMm: [1, 1], unit: 'raw' });
}

test('no metal: assessed, nothing bright, clipped maxima only as single pixels', () => {
  const c = checkForImplants({ image: radiograph([]), bodies: BODIES });
  assert.deepEqual(c, { assessed: true, suspected: false, largestBrightMm2: 0, largestClippedMm2: 1, largestNearTopMm2: 1 });
});

test("a bright region over L2 of 24 x 16 mm is metal; one of 15 x 15 mm is below the bright sign's area but larger than a screw head; 8 x 8 mm is neither", () => {
  assert.ok(24 * 16 >= IMPLANT_BRIGHT_AREA_MM2 && 15 * 15 < IMPLANT_BRIGHT_AREA_MM2);
  const big = checkForImplants({ image: radiograph([{ x: 88, y: 82, w: 24, h: 16, value: 400 }]), bodies: BODIES });
  assert.equal(big.suspected, true);
  assert.equal(big.largestBrightMm2, 384);
  const small = checkForImplants({ image: radiograph([{ x: 90, y: 82, w: 15, h: 15, value: 400, ripple: 1 }]), bodies: BODIES });
  assert.equal(small.largestBrightMm2, 225);
  // Below the bright sign's area, but the column's brightest piece and larger than a screw head (its top 5 %: 385-400).
  assert.ok(small.largestNearTopMm2 >= IMPLANT_NEAR_TOP_AREA_MM2 && small.largestNearTopMm2 <= 225, `${small.largestNearTopMm2}`);
  assert.equal(small.suspected, true);
  const speck = checkForImplants({ image: radiograph([{ x: 90, y: 82, w: 8, h: 8, value: 400, ripple: 1 }]), bodies: BODIES });
  assert.equal(speck.largestBrightMm2, 64);
  assert.ok(speck.largestNearTopMm2 <= 64);
  assert.equal(speck.suspected, false);
  // The same spot flat (a saturated plateau) is caught by the clipping sign.
  const flat = checkForImplants({ image: radiograph([{ x: 90, y: 82, w: 15, h: 15, value: 400 }]), bodies: BODIES });
  assert.equal(flat.largestClippedMm2, 225);
  assert.equal(flat.suspected, true);
  // Bone a little brighter than its median (below median + 0.4 x its contrast) is not metal, however large.
  const dense = checkForImplants({ image: radiograph([{ x: 80, y: 80, w: 40, h: 30, value: 220 }]), bodies: BODIES });
  assert.equal(dense.largestBrightMm2, 0);
});

test('a processing that clips: metal at the bone maximum is found by the size of its plateau', () => {
  assert.ok(16 * 12 >= IMPLANT_CLIPPED_AREA_MM2);
  const c = checkForImplants({ image: radiograph([{ x: 90, y: 132, w: 16, h: 12, value: 200 }]), bodies: BODIES });
  assert.equal(c.largestBrightMm2, 0);
  // The plateau, and where it touches a body's own maximum pixel.
  assert.ok(c.largestClippedMm2 >= 192 && c.largestClippedMm2 <= 196, `${c.largestClippedMm2}`);
  assert.equal(c.suspected, true);
  // A saturated plateau: the band below the top is clipped bone, so the near-top sign stays off.
  assert.equal(c.largestNearTopMm2, 0);
});

test('a processing that compresses the brightest greys (no plateau): metal just above the bone maximum is found as one piece near the top', () => {
  // Metal at 205-209, textured (its maximum single pixels), where bone reaches 200: not brighter than
  // bone by 0.4 of its contrast (about 226) and not a clipped plateau, but the column's top 5 %
  // (from 209 down to 203.6) is the metal alone. 14 x 12 mm is above one screw head's area; 10 x 10 below it.
  assert.ok(14 * 12 >= IMPLANT_NEAR_TOP_AREA_MM2 && 10 * 10 < IMPLANT_NEAR_TOP_AREA_MM2);
  const steel = checkForImplants({ image: radiograph([{ x: 90, y: 132, w: 14, h: 12, value: 209, ripple: 0.2 }]), bodies: BODIES });
  assert.equal(steel.largestBrightMm2, 0);
  assert.ok(steel.largestClippedMm2 < 20, `${steel.largestClippedMm2}`);
  assert.equal(steel.largestNearTopMm2, 168);
  assert.equal(steel.suspected, true);
  const small = checkForImplants({ image: radiograph([{ x: 90, y: 132, w: 10, h: 10, value: 209, ripple: 0.2 }]), bodies: BODIES });
  assert.equal(small.largestNearTopMm2, 100);
  assert.equal(small.suspected, false);
});

/** The radiograph collimated to x 40-159 (the bodies span 80-120): outside, what the room shows there. */
function collimated(image: ReturnType<typeof createImage2D>, outside: (x: number, y: number) => number): ReturnType<typeof createImage2D> {
  const data = Float32Array.from(image.data as Float32Array);
  for (let y = 0; y < ROWS; y++) for (let x = 0; x < COLUMNS; x++) if (x < 40 || x >= 160) data[y * COLUMNS + x] = outside(x, y);
  return createImage2D({ data, size: [COLUMNS, ROWS], spacingMm: [1, 1], unit: 'raw' });
}

// Outside a collimated field the processing blanks the image to white or black, or the detector saw
// scatter alone (brighter than any body). 1.2 body widths beside these bodies lies outside the field:
// the soft tissue is taken inside it, darker than the bodies.
const ROOMS = {
  'a white shutter': () => 1000,
  'a black shutter': () => 0,
  'scatter alone (bright, textured)': (x: number, y: number) => 300 + ((11 * x + 5 * y) % 37),
};

test('collimated fields: soft tissue is taken inside the field, so metal over L2 is still found and a spine without it passes', () => {
  for (const [room, outside] of Object.entries(ROOMS)) {
    const clean = checkForImplants({ image: collimated(radiograph([]), outside), bodies: BODIES });
    assert.equal(clean.assessed, true, `${room}: assessed`);
    assert.equal(clean.suspected, false, `${room}: no metal, ${JSON.stringify(clean)}`);
    // Metal 40 grey levels above the bones' median: above it by more than 0.4 of their contrast over
    // the true soft tissue (90), below it when the contrast is taken against a black shutter (190).
    const screws = checkForImplants({ image: collimated(radiograph([{ x: 88, y: 82, w: 24, h: 16, value: 230 }]), outside), bodies: BODIES });
    assert.equal(screws.assessed, true, `${room}: assessed`);
    assert.equal(screws.largestBrightMm2, 384, `${room}: ${JSON.stringify(screws)}`);
    assert.equal(screws.suspected, true, room);
  }
});

test('fewer than two of L1-L4 found: not assessed, not suspected', () => {
  const c = checkForImplants({ image: radiograph([{ x: 88, y: 82, w: 24, h: 16, value: 400 }]), bodies: BODIES.slice(0, 1) });
  assert.deepEqual(c, { assessed: false, suspected: false, largestBrightMm2: 0, largestClippedMm2: 0, largestNearTopMm2: 0 });
});

test('analyze refuses a SIMULATED study with pedicle screws in L2-L3: exit 2, the file named, the reason in words', () => {
  const dir = tempDir('lumbar-implants');
  const cohort = join(dir, 'cohort');
  const simulated = runCli(['simulate', 'lumbar', '--n', '1', '--seed', '950', '--pedicle-screw-share', '1', '--workers', '1', '--out', cohort], 300_000);
  assert.equal(simulated.status, 0, simulated.stderr);
  const ap = join(cohort, 'images', 'lumbar-0001-ap.dcm');
  const r = runCli(['analyze', ap, join(cohort, 'images', 'lumbar-0001-lat.dcm'), '--out', join(dir, 'analyze')], 300_000);
  assert.equal(r.status, 2, r.stderr);
  const last = r.stderr.trim().split('\n').pop()!;
  assert.ok(last.includes(ap), last);
  assert.match(last, /implant-suspected/);
  assert.match(last, /metal over the lumbar spine/);
});
