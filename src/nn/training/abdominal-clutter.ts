import type { SeededRandom } from '../../core/seeded-random.js';

/**
 * Clutter that real abdominal radiographs carry over the spine and that a training cohort may lack:
 * bowel gas (clusters of rounded lucencies, from a few large pockets to the mottled bubbles of stool
 * in the colon) and lines and tubes (bright, thin). Drawn on a network's grey channel (bone bright,
 * about 0-1), as domain randomisation: the shapes are generic, not a model of any simulator.
 */
export interface ClutterRanges {
  /** Chance that an image gets any clutter. */
  probability: number;
  /** Gas clusters per image: 1 to this many. */
  maxGasClusters: number;
  /** A gas cluster's radius, as a fraction of the image's shorter side: up to this. */
  clusterRadiusFraction: number;
  /** Largest depth of one lucency, in grey units (a 0-1 image). */
  maxGasDepth: number;
  /** Chance of a line or tube across the image. */
  lineProbability: number;
}

export const ABDOMINAL_CLUTTER: ClutterRanges = {
  probability: 0.7,
  maxGasClusters: 8,
  clusterRadiusFraction: 0.35,
  maxGasDepth: 0.35,
  lineProbability: 0.25,
};

/** Subtracts a rotated ellipse's chord profile (depth at the centre, zero at the rim): the projection of an ellipsoidal pocket. */
export function subtractEllipsoid(o: {
  grey: Float32Array;
  columns: number;
  rows: number;
  centre: [number, number];
  semiPx: [number, number];
  angleRad: number;
  depth: number;
}): void {
  const [cx, cy] = o.centre;
  const [sa, sb] = o.semiPx;
  const reach = Math.max(sa, sb);
  const cos = Math.cos(o.angleRad);
  const sin = Math.sin(o.angleRad);
  for (let y = Math.max(0, Math.floor(cy - reach)); y <= Math.min(o.rows - 1, Math.ceil(cy + reach)); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x <= Math.min(o.columns - 1, Math.ceil(cx + reach)); x++) {
      const u = ((x - cx) * cos + (y - cy) * sin) / sa;
      const v = (-(x - cx) * sin + (y - cy) * cos) / sb;
      const r2 = u * u + v * v;
      if (r2 < 1) o.grey[y * o.columns + x]! -= o.depth * Math.sqrt(1 - r2);
    }
  }
}

/** A bright line of constant width along a gently curved path (a tube, a catheter, a lead). */
function addLine(o: { grey: Float32Array; columns: number; rows: number; random: SeededRandom }): void {
  const { grey, columns, rows, random } = o;
  const halfWidthPx = 0.5 + 0.7 * random.nextFloat();
  const brightness = 0.1 + 0.4 * random.nextFloat();
  let [x, y] = [random.nextFloat() * columns, random.nextFloat() * rows];
  let heading = 2 * Math.PI * random.nextFloat();
  const turnPerPx = (random.nextFloat() * 2 - 1) * 0.02;
  const lengthPx = (0.3 + 0.7 * random.nextFloat()) * Math.max(columns, rows);
  const touched = new Uint8Array(columns * rows);
  for (let s = 0; s < lengthPx; s += 0.5) {
    for (let dy = -Math.ceil(halfWidthPx); dy <= Math.ceil(halfWidthPx); dy++) {
      for (let dx = -Math.ceil(halfWidthPx); dx <= Math.ceil(halfWidthPx); dx++) {
        const px = Math.round(x) + dx;
        const py = Math.round(y) + dy;
        if (px < 0 || py < 0 || px >= columns || py >= rows || dx * dx + dy * dy > halfWidthPx * halfWidthPx + 0.25) continue;
        const k = py * columns + px;
        if (touched[k] === 1) continue;
        touched[k] = 1;
        grey[k]! += brightness;
      }
    }
    x += 0.5 * Math.cos(heading);
    y += 0.5 * Math.sin(heading);
    heading += 0.5 * turnPerPx;
  }
}

/**
 * Draws clutter into a grey channel ([rows, columns], bone bright), in place; returns whether it drew
 * anything (the caller recomputes what it derives from the grey channel). Gas clusters lie in the
 * middle four fifths of the width, where the abdomen is; lucencies within a cluster are scattered
 * about its centre, from mottled (1-3 px) to pockets up to a third of the cluster's size, round or elongated.
 */
export function addAbdominalClutter(o: { grey: Float32Array; columns: number; rows: number; random: SeededRandom; ranges?: ClutterRanges }): boolean {
  const { grey, columns, rows, random } = o;
  const ranges = o.ranges ?? ABDOMINAL_CLUTTER;
  if (random.nextFloat() >= ranges.probability) return false;
  const shorter = Math.min(columns, rows);
  const clusters = 1 + random.nextInt(ranges.maxGasClusters);
  for (let c = 0; c < clusters; c++) {
    const centre: [number, number] = [(0.1 + 0.8 * random.nextFloat()) * columns, (0.05 + 0.9 * random.nextFloat()) * rows];
    const radiusPx = (0.3 + 0.7 * random.nextFloat()) * ranges.clusterRadiusFraction * shorter;
    const mottled = random.nextFloat() < 0.5;
    const count = mottled ? 20 + random.nextInt(60) : 3 + random.nextInt(12);
    const depth = (0.2 + 0.8 * random.nextFloat()) * ranges.maxGasDepth;
    for (let i = 0; i < count; i++) {
      const sizePx = mottled ? 1 + 2 * random.nextFloat() : (0.1 + 0.25 * random.nextFloat()) * radiusPx + 1;
      // Pockets are round to sausage-like (a gas-filled loop seen side on).
      const elongation = mottled ? 1 : 1 + 1.5 * random.nextFloat();
      subtractEllipsoid({
        grey,
        columns,
        rows,
        centre: [centre[0] + 0.5 * radiusPx * random.nextNormal(), centre[1] + 0.5 * radiusPx * random.nextNormal()],
        semiPx: [sizePx * elongation * (0.7 + 0.6 * random.nextFloat()), sizePx * (0.7 + 0.6 * random.nextFloat())],
        angleRad: Math.PI * random.nextFloat(),
        depth: depth * (0.5 + 0.5 * random.nextFloat()),
      });
    }
  }
  if (random.nextFloat() < ranges.lineProbability) addLine({ grey, columns, rows, random });
  return true;
}
