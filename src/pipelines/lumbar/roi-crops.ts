import type { Image2D } from '../../core/image2d.js';
import { equaliseHistogram } from '../../imaging/equalise-histogram.js';
import { gaussianBlur2D } from '../../imaging/gaussian-blur.js';
import type { NetworkGrid } from '../../imaging/network-grid.js';
import { quantilesOfFinite, sampleOnGrid } from '../../imaging/network-grid.js';
import { CROP, CROP_CHANNELS, ROI_LEVELS } from './lumbar-networks.js';
import type { RoiBox } from './vertebral-body-boxes.js';

/** Grey levels of the whole radiograph (its 1st and 99th percentiles), the scale of the crops' second channel. */
export interface GreyLevels {
  low: number;
  high: number;
}

/** Square grid of CROP.size pixels over a box, aspect kept: the longer side fills it, the shorter is centred. */
export function roiGrid(box: RoiBox): NetworkGrid {
  const step = Math.max(box.x1 - box.x0, box.y1 - box.y0) / CROP.size;
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const x0 = cx - ((CROP.size - 1) / 2) * step;
  const y0 = cy - ((CROP.size - 1) / 2) * step;
  return { columns: CROP.size, rows: CROP.size, stepX: step, stepY: step, x0, y0, pixelMm: Number.NaN };
}

/**
 * One level's two channels ([size, size, 2] interleaved). Channel 0 is seed 004's: the ROI's grey
 * levels normalised to its own 1st-99th percentiles, Gaussian-filtered, histogram-equalised, grey
 * (0.5) where the square extends beyond the ROI. Channel 1 is the ROI on the whole radiograph's grey
 * scale (0 outside the ROI): equalisation keeps the body's texture but not how dense it looks.
 */
export function levelCrop(image: Image2D, box: RoiBox, levels: GreyLevels): Float32Array {
  const grid = roiGrid(box);
  const raw = sampleOnGrid(image, grid);
  const n = CROP.size * CROP.size;
  const inside = new Uint8Array(n);
  for (let gy = 0; gy < CROP.size; gy++) {
    const y = grid.y0 + gy * grid.stepY;
    for (let gx = 0; gx < CROP.size; gx++) {
      const x = grid.x0 + gx * grid.stepX;
      const k = gy * CROP.size + gx;
      inside[k] = x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1 && Number.isFinite(raw[k]!) ? 1 : 0;
    }
  }
  const [low, high] = quantilesOfFinite(
    raw.filter((_, k) => inside[k] === 1),
    [0.01, 0.99],
  ) as [number, number];
  const range = high - low > 0 ? high - low : 1;
  const own = new Float32Array(n);
  for (let k = 0; k < n; k++) own[k] = inside[k] === 1 ? Math.max(0, Math.min(1, (raw[k]! - low) / range)) : 0.5;
  gaussianBlur2D(own, CROP.size, CROP.size, CROP.gaussianSigmaPx);
  equaliseHistogram(own, inside);
  const wholeRange = levels.high - levels.low > 0 ? levels.high - levels.low : 1;
  const out = new Float32Array(n * 2);
  for (let k = 0; k < n; k++) {
    out[2 * k] = inside[k] === 1 ? own[k]! : 0.5;
    out[2 * k + 1] = inside[k] === 1 ? Math.max(-0.5, Math.min(1.5, (raw[k]! - levels.low) / wholeRange)) : 0;
  }
  return out;
}

/** L1-L4's crops of one view stacked along channels ([size, size, CROP_CHANNELS]); every ROI level must have a box. */
export function viewCrops(image: Image2D, boxes: readonly RoiBox[], levels: GreyLevels): Float32Array {
  const n = CROP.size * CROP.size;
  const out = new Float32Array(n * CROP_CHANNELS);
  ROI_LEVELS.forEach((level, l) => {
    const box = boxes.find((b) => b.level === level);
    if (box === undefined) return;
    const crop = levelCrop(image, box, levels);
    for (let k = 0; k < n; k++) {
      out[k * CROP_CHANNELS + l * 2] = crop[2 * k]!;
      out[k * CROP_CHANNELS + l * 2 + 1] = crop[2 * k + 1]!;
    }
  });
  return out;
}
