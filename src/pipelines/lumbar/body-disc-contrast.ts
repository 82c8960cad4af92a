import type { Image2D } from '../../core/image2d.js';
import { median } from '../../stats/descriptive.js';
import type { RoiLevel } from './lumbar-networks.js';
import { ROI_LEVELS } from './lumbar-networks.js';
import type { GreyLevels } from './roi-crops.js';
import type { BodyBox, RoiBox } from './vertebral-body-boxes.js';

/**
 * How much brighter each vertebral body's core is than the discs above and below it, on the
 * radiograph's own 1st-99th percentile scale, for each of L1-L4: model-free inputs beside the
 * covariates. Why the discs: a single-energy projection confounds the bone with the soft tissue in
 * front of it, and a reference ray a few millimetres up or down the same column crosses nearly the
 * same soft tissue (a paraspinal reference does not, and the rooms' processing removes absolute
 * grey levels). The core is the middle half of the body found; the discs are the rows of seed
 * 004's ROI edges (the mid-disc lines) over the same columns. A level without its body or ROI is
 * absent.
 */
export function bodyOverDiscContrasts(o: {
  image: Image2D;
  bodies: readonly BodyBox[];
  rois: readonly RoiBox[];
  levels: GreyLevels;
}): Partial<Record<RoiLevel, number>> {
  const [columns, rows] = o.image.size;
  const at = (x: number, y: number): number => Number(o.image.data[y * columns + x]);
  const range = o.levels.high - o.levels.low;
  const perLevel: Partial<Record<RoiLevel, number>> = {};
  if (!(range > 0)) return perLevel;
  for (const roi of o.rois) {
    const level = ROI_LEVELS.find((l) => l === roi.level);
    if (level === undefined) continue;
    const body = o.bodies.find((b) => b.level === roi.level);
    if (body === undefined) continue;
    const w = body.x1 - body.x0;
    const h = body.y1 - body.y0;
    const xFrom = Math.max(0, Math.ceil(body.x0 + w / 4));
    const xTo = Math.min(columns - 1, Math.floor(body.x1 - w / 4));
    const core: number[] = [];
    for (let y = Math.max(0, Math.ceil(body.y0 + h / 4)); y <= Math.min(rows - 1, Math.floor(body.y1 - h / 4)); y++) {
      for (let x = xFrom; x <= xTo; x++) core.push(at(x, y));
    }
    const discs = [roi.y0, roi.y1].flatMap((edge) => {
      const values: number[] = [];
      // Five rows about the mid-disc line: the disc is a few millimetres tall.
      for (let y = Math.round(edge) - 2; y <= Math.round(edge) + 2; y++) {
        if (y < 0 || y >= rows) continue;
        for (let x = xFrom; x <= xTo; x++) values.push(at(x, y));
      }
      return values.length === 0 ? [] : [median(values)];
    });
    if (core.length === 0 || discs.length === 0) continue;
    perLevel[level] = (median(core) - discs.reduce((a, b) => a + b, 0) / discs.length) / range;
  }
  return perLevel;
}
