import type { WedgeDetection } from '../../calibration/step-wedge/find-step-wedge.js';

import type { Point2 } from '../../core/geometry.js';

export type Point = Point2;
/** Four corners, in order around the shape. */
export type Quad = [Point, Point, Point, Point];

/** The measurement regions of seed 000 (its Figure 5), in image pixels. */
export interface ForearmRoiGeometry {
  /** Square on the line joining the two distal-radius key points, towards the elbow. */
  radiusSquare: Quad;
  /** Soft tissue beside the radius: between its radial edge and the skin, or between radius and ulna, whichever gap is wider. */
  softTissue: Quad;
  softTissueSide: 'radial' | 'interosseous';
  /** Both soft-tissue rectangles and their gaps (pixels), the chosen one among them. */
  softTissueCandidates: { radial: Quad; radialGapPx: number; interosseous: Quad; interosseousGapPx: number };
  /** Squares of background outside the wrist (two where they fit, at least one). */
  background: Quad[];
  /** Unit vector towards the elbow. */
  proximal: Point;
  flags: ForearmRoiFlag[];
}

export type ForearmRoiFlag = 'soft-tissue-too-thin' | 'one-background-square' | 'no-background-square';

const add = (p: Point, q: Point, k = 1): Point => [p[0] + k * q[0], p[1] + k * q[1]];

/** A rectangle from a corner, spanning `a` along unit u and `b` along unit v. */
function rectangle(corner: Point, u: Point, a: number, v: Point, b: number): Quad {
  return [corner, add(corner, u, a), add(add(corner, u, a), v, b), add(corner, v, b)];
}

export function pointInQuad(q: Quad, [x, y]: Point): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = q[i]!;
    const [bx, by] = q[(i + 1) % 4]!;
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross === 0) continue;
    const s = Math.sign(cross);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

/** Distance from `start` along `direction` to the first point where `inside` fails (at most `limit`). */
function distanceToEdge(inside: (p: Point) => boolean, start: Point, direction: Point, limit: number): number {
  for (let d = 0; d <= limit; d += 0.5) if (!inside(add(start, direction, d))) return d;
  return limit;
}

/**
 * Builds the ROIs from the two key points (radial edge first):
 * - the radius square takes their joining line as one side, on the elbow side (the side where the
 *   tissue across the limb is narrower: forearm, not hand);
 * - the soft-tissue rectangle lies in the wider soft-tissue gap beside the radius at the square's
 *   mid-depth (radial edge to skin, or radius to ulna), over the middle half of the gap and of the
 *   square's depth;
 * - background squares sit outside the skin on both sides, at the square's depth, clear of the
 *   step wedge, moved towards the elbow when the wedge is in the way.
 */
export function forearmRoiGeometry(
  radial: Point,
  ulnar: Point,
  isForeground: (p: Point) => boolean,
  isBone: (p: Point) => boolean,
  imageSize: [number, number],
  pixelMm: number,
  wedge: WedgeDetection | undefined,
): ForearmRoiGeometry {
  const flags: ForearmRoiFlag[] = [];
  const side = Math.hypot(radial[0] - ulnar[0], radial[1] - ulnar[1]);
  const u: Point = [(radial[0] - ulnar[0]) / side, (radial[1] - ulnar[1]) / side];
  const normal: Point = [u[1], -u[0]];
  const middle = add(ulnar, u, side / 2);
  const width = (direction: Point): number => {
    const centre = add(middle, direction, 2.5 * side);
    const limit = 120 / pixelMm;
    return distanceToEdge(isForeground, centre, u, limit) + distanceToEdge(isForeground, centre, [-u[0], -u[1]], limit);
  };
  const proximal: Point = width(normal) <= width([-normal[0], -normal[1]]) ? normal : [-normal[0], -normal[1]];
  const radiusSquare: Quad = [radial, ulnar, add(ulnar, proximal, side), add(radial, proximal, side)];

  // Soft tissue: the wider of the gap from the radius's radial edge to the skin and the gap between radius and ulna.
  const tissue = (p: Point): boolean => isForeground(p) && !isBone(p);
  const radialEdge = add(radial, proximal, side / 2);
  const radialGap = distanceToEdge(tissue, add(radialEdge, u, 1), u, 60 / pixelMm) + 1;
  const ulnarEdge = add(ulnar, proximal, side / 2);
  const minus: Point = [-u[0], -u[1]];
  const leaveRadius = distanceToEdge(isBone, ulnarEdge, minus, 20 / pixelMm);
  const interosseousStart = add(ulnarEdge, minus, leaveRadius);
  const interosseousGap = distanceToEdge(tissue, interosseousStart, minus, 30 / pixelMm);
  const useRadial = radialGap >= interosseousGap;
  const gap = useRadial ? radialGap : interosseousGap;
  if (gap * pixelMm < 2) flags.push('soft-tissue-too-thin');
  const radialRectangle = rectangle(add(add(radial, u, 0.25 * radialGap), proximal, 0.25 * side), u, 0.5 * radialGap, proximal, 0.5 * side);
  const interosseousRectangle = rectangle(
    add(add(interosseousStart, minus, 0.25 * interosseousGap), proximal, -0.25 * side),
    minus,
    0.5 * interosseousGap,
    proximal,
    0.5 * side,
  );
  const softTissue = useRadial ? radialRectangle : interosseousRectangle;

  const squareSide = Math.min(0.5 * side, 8 / pixelMm);
  const clearance = 5 / pixelMm;
  const inImage = (p: Point): boolean => p[0] >= 0 && p[1] >= 0 && p[0] <= imageSize[0] - 1 && p[1] <= imageSize[1] - 1;
  const wedgeQuad: Quad | undefined = wedge === undefined ? undefined : (wedge.corners as Quad);
  const usable = (q: Quad): boolean => {
    const edge1: Point = [q[1][0] - q[0][0], q[1][1] - q[0][1]];
    const edge2: Point = [q[3][0] - q[0][0], q[3][1] - q[0][1]];
    // A 5 x 5 grid of points over the square must be background, in the image, off the wedge.
    for (let i = 0; i <= 4; i++) {
      for (let j = 0; j <= 4; j++) {
        const p = add(add(q[0], edge1, i / 4), edge2, j / 4);
        if (!inImage(p) || isForeground(p)) return false;
        if (wedgeQuad !== undefined && pointInQuad(wedgeQuad, p)) return false;
      }
    }
    return true;
  };
  const background: Quad[] = [];
  for (const direction of [u, [-u[0], -u[1]] as Point]) {
    for (let shift = 0; shift <= 4; shift++) {
      const level = add(radial, proximal, side / 2 + shift * side);
      const skin = distanceToEdge(isForeground, level, direction, 150 / pixelMm);
      const near = add(add(level, direction, skin + clearance), proximal, -squareSide / 2);
      const square = rectangle(near, direction, squareSide, proximal, squareSide);
      if (usable(square)) {
        background.push(square);
        break;
      }
    }
  }
  if (background.length === 1) flags.push('one-background-square');
  if (background.length === 0) flags.push('no-background-square');
  return {
    radiusSquare,
    softTissue,
    softTissueSide: useRadial ? 'radial' : 'interosseous',
    softTissueCandidates: { radial: radialRectangle, radialGapPx: radialGap, interosseous: interosseousRectangle, interosseousGapPx: interosseousGap },
    background,
    proximal,
    flags,
  };
}
