import type { Image2D } from '../../core/image2d.js';
import { ROI_LEVELS } from './lumbar-networks.js';
import { median } from '../../stats/descriptive.js';
import type { BodyBox } from './vertebral-body-boxes.js';
import { labelledRegions } from './vertebral-body-boxes.js';

/**
 * Metal over L1-L4 (pedicle screws, rods, cages): ISCD excludes an instrumented vertebra from
 * lumbar DXA, and the network never learned what steel does to a crop, so such a study is refused.
 * Model-free, on the AP view: steel stops nearly all of the beam, so however the room processed the
 * image it is the brightest thing in the spine column, brighter than any vertebral body, and large
 * (two screw heads 12 mm across and the rod between them). Two signs, each the largest 4-connected
 * region of the column (the bodies found, T12-L5, and half a body's width beside them) whose pixels
 * are
 *   - brighter than the L1-L4 bodies' median by 0.4 of the bodies' contrast over the paraspinal
 *     soft tissue (cortical rims and pedicles make smaller regions), or
 *   - at the column's clipping level, where the processing saturated: normal bone clips too there,
 *     but in smaller pieces, or
 *   - within 5 % of the column's range (soft tissue to its brightest pixel) below its brightest
 *     pixel, where the processing did not saturate (no clipped plateau): a processing that
 *     compresses the brightest grey levels hard (vendor d's linear response) leaves steel too close
 *     to bone for the first sign, but steel is still the brightest thing and one piece, where the
 *     brightest bone is scattered pixels of cortex. The area is one 12 mm screw head's.
 * The first two thresholds were set on development cohorts (SIMULATED: 300 studies without metal,
 * 22 with screws), the third on vendor d's (seeds 7600-7601: with screws 164-706 mm2, without
 * 2-34 mm2) and checked against vendors a-c, film-like rooms and degenerative spines (7602-7604:
 * at most 71 mm2 where nothing clipped; the saturating vendor b reaches 441 mm2 of clipped bone,
 * which is why a plateau turns the sign off).
 */
export const IMPLANT_BRIGHT_AREA_MM2 = 350;
export const IMPLANT_CLIPPED_AREA_MM2 = 160;
/** One 12 mm screw head, pi x 6^2 mm2. */
export const IMPLANT_NEAR_TOP_AREA_MM2 = 110;
/** A clipped plateau at least this large means the processing saturated: the near-top band is then bone. */
export const SATURATED_PLATEAU_MM2 = 20;
const NEAR_TOP_SHARE = 0.05;
const BRIGHT_CONTRAST_SHARE = 0.4;
/** Pixels within this share of the column's range below its maximum count as clipped. */
const CLIP_SHARE = 0.002;

export interface ImplantCheck {
  /** False when L1-L4 were not found well enough on the AP view to look (fewer than two bodies, or bone no brighter than soft tissue). */
  assessed: boolean;
  suspected: boolean;
  largestBrightMm2: number;
  largestClippedMm2: number;
  /** The largest region within 5 % of the column's range below its top (0 where the processing saturated). */
  largestNearTopMm2: number;
}

/** What a study gets when L1-L4 were not found well enough on the AP view to look. */
export const IMPLANTS_NOT_ASSESSED: ImplantCheck = { assessed: false, suspected: false, largestBrightMm2: 0, largestClippedMm2: 0, largestNearTopMm2: 0 };

/** The largest 4-connected region of a 0/1 mask, in pixels. */
function largestRegionPixels(mask: Uint8Array, columns: number, rows: number): number {
  return labelledRegions(mask, columns, rows).reduce((best, r) => Math.max(best, r.pixels), 0);
}

/**
 * Where the check looks and its grey yardsticks: the column of every body found (and half a body's
 * width beside them) within the exposed field, the L1-L4 bodies' median grey (their central
 * halves), the paraspinal soft tissue's (0.4-1.2 body widths beside them, inside the field and
 * darker than the bodies) and the column's brightest pixel. Undefined when L1-L4 were not found well
 * enough to look (fewer than two bodies, or no soft tissue darker than bone beside them).
 */
export interface ImplantColumn {
  x0: number;
  y0: number;
  w: number;
  h: number;
  bone: number;
  soft: number;
  top: number;
}

/** Beside each body, the soft tissue is sampled at these multiples of its width from its edge. */
const SOFT_TISSUE_BAND = { from: 0.4, to: 1.2, step: 0.1 } as const;
/** A column this much of whose rows (over the bodies' span) read as bone or brighter, or at the image's darkest grey, lies outside the exposed field. */
const OUTSIDE_FIELD_ROW_SHARE = 0.9;

/**
 * The columns of the exposed field around the spine: from the bodies outward, up to the first column
 * in which nearly every row of the bodies' span is at least as bright as the bodies or at the
 * image's darkest grey. Outside a collimated field the processing blanks the image to white
 * or black (an electronic shutter), or the detector saw scatter alone, which displays brighter than
 * any body; soft tissue inside the field is darker than the bodies, and the bodies' own columns
 * have discs between them. Without this a paraspinal sample taken in the shutter made bone no
 * brighter than "soft tissue" and the check silently looked at nothing (or, on a black shutter, at
 * a contrast so large that no steel reached it).
 */
function exposedColumns(o: { image: Image2D; bodies: readonly BodyBox[]; bone: number; darkest: number }): { left: number; right: number } {
  const [columns, rows] = o.image.size;
  const data = o.image.data;
  const y0 = Math.max(0, Math.floor(Math.min(...o.bodies.map((b) => b.y0))));
  const y1 = Math.min(rows - 1, Math.ceil(Math.max(...o.bodies.map((b) => b.y1))));
  const outside = (x: number): boolean => {
    let bright = 0;
    for (let y = y0; y <= y1; y++) {
      const v = Number(data[y * columns + x]);
      if (v >= o.bone || v <= o.darkest) bright++;
    }
    return bright >= OUTSIDE_FIELD_ROW_SHARE * (y1 - y0 + 1);
  };
  let left = Math.max(0, Math.floor(Math.min(...o.bodies.map((b) => b.x0))));
  while (left > 0 && !outside(left - 1)) left--;
  let right = Math.min(columns - 1, Math.ceil(Math.max(...o.bodies.map((b) => b.x1))));
  while (right < columns - 1 && !outside(right + 1)) right++;
  return { left, right };
}

export function implantColumn(o: { image: Image2D; bodies: readonly BodyBox[] }): ImplantColumn | undefined {
  const bodies = o.bodies.filter((b) => (ROI_LEVELS as readonly string[]).includes(b.level));
  if (bodies.length < 2) return undefined;
  const [columns, rows] = o.image.size;
  const data = o.image.data;
  const at = (x: number, y: number): number => Number(data[y * columns + x]);
  const core: number[] = [];
  for (const b of bodies) {
    const w = b.x1 - b.x0;
    const h = b.y1 - b.y0;
    for (let y = Math.max(0, Math.ceil(b.y0 + h / 4)); y <= Math.min(rows - 1, Math.floor(b.y1 - h / 4)); y++) {
      for (let x = Math.max(0, Math.ceil(b.x0 + w / 4)); x <= Math.min(columns - 1, Math.floor(b.x1 - w / 4)); x++) core.push(at(x, y));
    }
  }
  const bone = median(core);
  let darkest = Infinity;
  for (let k = 0; k < data.length; k++) {
    const v = Number(data[k]);
    if (v < darkest) darkest = v;
  }
  const field = exposedColumns({ image: o.image, bodies: o.bodies, bone, darkest });
  const side: number[] = [];
  for (const b of bodies) {
    const w = b.x1 - b.x0;
    for (let y = Math.max(0, Math.ceil(b.y0)); y <= Math.min(rows - 1, Math.floor(b.y1)); y++) {
      for (let k = SOFT_TISSUE_BAND.from; k <= SOFT_TISSUE_BAND.to + 1e-9; k += SOFT_TISSUE_BAND.step) {
        for (const x of [Math.round(b.x0 - k * w), Math.round(b.x1 + k * w)]) {
          if (x < field.left || x > field.right) continue;
          const v = at(x, y);
          if (v < bone) side.push(v);
        }
      }
    }
  }
  // Every sample is darker than bone, so their median is too: none at all is the only way to have no yardstick.
  if (side.length === 0) return undefined;
  const soft = median(side);
  // The column spans every body found: screws just beyond L1-L4 reach into their ROIs, and a level counted off by one puts them outside.
  const span = o.bodies;
  const x0 = Math.max(field.left, Math.floor(Math.min(...span.map((b) => b.x0 - 0.5 * (b.x1 - b.x0)))));
  const x1 = Math.min(field.right, Math.ceil(Math.max(...span.map((b) => b.x1 + 0.5 * (b.x1 - b.x0)))));
  const y0 = Math.max(0, Math.floor(Math.min(...span.map((b) => b.y0))));
  const y1 = Math.min(rows - 1, Math.ceil(Math.max(...span.map((b) => b.y1))));
  let top = -Infinity;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) top = Math.max(top, at(x, y));
  return { x0, y0, w: x1 - x0 + 1, h: y1 - y0 + 1, bone, soft, top };
}

/** Looks for metal over the L1-L4 bodies found on an AP lumbar radiograph. */
export function checkForImplants(o: { image: Image2D; bodies: readonly BodyBox[] }): ImplantCheck {
  const column = implantColumn(o);
  if (column === undefined) return IMPLANTS_NOT_ASSESSED;
  const { x0, y0, w, h, bone, soft, top } = column;
  const [columns] = o.image.size;
  const at = (x: number, y: number): number => Number(o.image.data[y * columns + x]);
  const brightLevel = bone + BRIGHT_CONTRAST_SHARE * (bone - soft);
  const clipLevel = top - CLIP_SHARE * (top - soft);
  const nearTopLevel = top - NEAR_TOP_SHARE * (top - soft);
  const bright = new Uint8Array(w * h);
  const clipped = new Uint8Array(w * h);
  const nearTop = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = at(x + x0, y + y0);
      bright[y * w + x] = v > brightLevel ? 1 : 0;
      clipped[y * w + x] = v >= clipLevel ? 1 : 0;
      nearTop[y * w + x] = v >= nearTopLevel ? 1 : 0;
    }
  }
  const pixelMm2 = o.image.spacingMm[0] * o.image.spacingMm[1];
  const largestBrightMm2 = largestRegionPixels(bright, w, h) * pixelMm2;
  const largestClippedMm2 = largestRegionPixels(clipped, w, h) * pixelMm2;
  const largestNearTopMm2 = largestClippedMm2 >= SATURATED_PLATEAU_MM2 ? 0 : largestRegionPixels(nearTop, w, h) * pixelMm2;
  return {
    assessed: true,
    suspected: largestBrightMm2 >= IMPLANT_BRIGHT_AREA_MM2 || largestClippedMm2 >= IMPLANT_CLIPPED_AREA_MM2 || largestNearTopMm2 >= IMPLANT_NEAR_TOP_AREA_MM2,
    largestBrightMm2,
    largestClippedMm2,
    largestNearTopMm2,
  };
}
