/**
 * A vertebral body's anterior, middle and posterior heights, as Genant's semiquantitative method
 * reads them on a lateral view (Genant et al., J Bone Miner Res 1993;8:1137-48), from a cancellous
 * probability map: each (y, x) column's height runs from where its probability first crosses 0.5 to
 * where it last does, each crossing interpolated between the slices around it (sub-slice precision at
 * 2-3 mm slices, and a network's soft plateau inside the body does not shorten it), and a band's
 * height is the median of the columns in it. Bands run across the body's AP depth (y grows posterior): the front and back fifths and the
 * middle fifth, in the middle half of its width (clear of the rounded sides).
 */
export interface VertebralHeights {
  anteriorMm: number;
  middleMm: number;
  posteriorMm: number;
}

/** A column counts as the body's once it holds this much cancellous bone, mm. */
const FOOTPRINT_MIN_MM = 4;
/** Band edges as shares of the footprint's AP depth, anterior edge 0. */
const BANDS = { anterior: [0, 0.2], middle: [0.4, 0.6], posterior: [0.8, 1] } as const;

export interface ProbabilityMap {
  /** [z][y][x] probabilities, 0-1. */
  readonly probability: Float32Array;
  /** [z, y, x] voxels. */
  readonly size: readonly [number, number, number];
  /** [z, y, x] mm. */
  readonly spacingMm: readonly [number, number, number];
}

/** Where probability a at slice i (and b at the next) crosses 0.5, in slices from i. */
function crossing(a: number, b: number): number {
  return a === b ? 0.5 : (0.5 - a) / (b - a);
}

/** One column's height: first to last crossing of 0.5 along z (a column already at 0.5 at the crop's edge counts from there), mm. */
function columnHeightMm(probability: Float32Array, offset: number, stride: number, nz: number, sz: number): number {
  let first = -1;
  let last = -1;
  for (let z = 0; z < nz; z++) {
    if (probability[z * stride + offset]! >= 0.5) {
      if (first < 0) first = z;
      last = z;
    }
  }
  if (first < 0) return 0;
  const at = (z: number): number => probability[z * stride + offset]!;
  const lower = first > 0 ? first - 1 + crossing(at(first - 1), at(first)) : 0;
  const upper = last < nz - 1 ? last + crossing(at(last), at(last + 1)) : nz - 1;
  return (upper - lower) * sz;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The body's three heights, mm (0 for all where the map holds no body). */
export function vertebralHeights(map: ProbabilityMap): VertebralHeights {
  const [nz, ny, nx] = map.size;
  const [sz] = map.spacingMm;
  const column = new Float32Array(ny * nx);
  for (let p = 0; p < ny * nx; p++) column[p] = columnHeightMm(map.probability, p, ny * nx, nz, sz);
  let [y0, y1, x0, x1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      if (column[y * nx + x]! < FOOTPRINT_MIN_MM) continue;
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
    }
  if (!(y1 >= y0)) return { anteriorMm: 0, middleMm: 0, posteriorMm: 0 };
  const depth = y1 - y0 + 1;
  const xLow = x0 + 0.25 * (x1 - x0);
  const xHigh = x1 - 0.25 * (x1 - x0);
  const band = ([from, to]: readonly [number, number]): number => {
    const heights: number[] = [];
    for (let y = y0; y <= y1; y++) {
      // A row belongs to the band when its centre's share of the depth falls in it.
      const share = (y - y0 + 0.5) / depth;
      if (share < from || share > to) continue;
      for (let x = Math.ceil(xLow); x <= Math.floor(xHigh); x++) {
        const h = column[y * nx + x]!;
        if (h >= FOOTPRINT_MIN_MM) heights.push(h);
      }
    }
    return median(heights);
  };
  return { anteriorMm: band(BANDS.anterior), middleMm: band(BANDS.middle), posteriorMm: band(BANDS.posterior) };
}

/** Genant's threshold: a height under this share of its reference is a fracture (grade 1 starts at a 20 % loss). */
export const GENANT_HEIGHT_RATIO = 0.8;

export type HeightLossType = 'wedge' | 'biconcave' | 'crush';

/**
 * Whether a body has lost height as a fracture does, and which way: its front against its back
 * (wedge), its middle against its back (biconcave), or its back against the other levels' backs
 * (crush: the whole body lower). Null when every ratio is at least GENANT_HEIGHT_RATIO.
 */
export function heightLoss(h: VertebralHeights, otherPosteriorMm: number | null): { type: HeightLossType; ratio: number; text: string } | null {
  if (!(h.posteriorMm > 0)) return null;
  const candidates: { type: HeightLossType; ratio: number; text: string }[] = [
    { type: 'wedge', ratio: h.anteriorMm / h.posteriorMm, text: `anterior ${h.anteriorMm.toFixed(0)} mm against posterior ${h.posteriorMm.toFixed(0)} mm` },
    { type: 'biconcave', ratio: h.middleMm / h.posteriorMm, text: `middle ${h.middleMm.toFixed(0)} mm against posterior ${h.posteriorMm.toFixed(0)} mm` },
  ];
  if (otherPosteriorMm !== null && otherPosteriorMm > 0)
    candidates.push({
      type: 'crush',
      ratio: h.posteriorMm / otherPosteriorMm,
      text: `posterior ${h.posteriorMm.toFixed(0)} mm against ${otherPosteriorMm.toFixed(0)} mm at the other levels`,
    });
  const worst = candidates.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return worst.ratio < GENANT_HEIGHT_RATIO ? worst : null;
}
