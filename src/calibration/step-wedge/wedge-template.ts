import type { Plane } from '../../imaging/template-matching.js';
import type { StepWedgePhantom } from './step-wedge-phantom.js';
import { wedgeAxes } from './wedge-pose.js';

/** A rendered template: values, the mask of pixels that count, and the template pixel of the wedge centre. */
export interface WedgeTemplate {
  plane: Plane & { data: Float64Array };
  mask: Float64Array;
  centerPx: [number, number];
}

/**
 * The wedge as the image should show it, rendered from its description (never from an image): the
 * steps with brightness proportional to thickness (1 = thickest) inside a band of background (0)
 * `marginMm` wide, at the given angle and pixel size. 3x3 supersampling gives partial-pixel edges.
 */
export function renderWedgeTemplate(phantom: StepWedgePhantom, pixelMm: number, angleRad: number, marginMm: number): WedgeTemplate {
  const n = phantom.steps.length;
  const halfLength = (n * phantom.stepLengthMm) / 2;
  const halfWidth = phantom.widthMm / 2;
  const maxThickness = Math.max(...phantom.steps.map((s) => s.thicknessMm));
  const { along, across } = wedgeAxes(angleRad);
  // Bounding box of the rotated rectangle with its margin.
  const outerA = halfLength + marginMm;
  const outerC = halfWidth + marginMm;
  const extentX = (Math.abs(along[0]) * outerA + Math.abs(across[0]) * outerC) / pixelMm;
  const extentY = (Math.abs(along[1]) * outerA + Math.abs(across[1]) * outerC) / pixelMm;
  const columns = 2 * Math.ceil(extentX) + 1;
  const rows = 2 * Math.ceil(extentY) + 1;
  const cx = (columns - 1) / 2;
  const cy = (rows - 1) / 2;
  const data = new Float64Array(columns * rows);
  const mask = new Float64Array(columns * rows);
  const sub = 3;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      let value = 0;
      let inside = 0;
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const dx = (x - cx + (sx + 0.5) / sub - 0.5) * pixelMm;
          const dy = (y - cy + (sy + 0.5) / sub - 0.5) * pixelMm;
          const a = dx * along[0] + dy * along[1];
          const c = dx * across[0] + dy * across[1];
          if (Math.abs(a) <= outerA && Math.abs(c) <= outerC) inside += 1;
          if (Math.abs(a) <= halfLength && Math.abs(c) <= halfWidth) {
            const step = Math.min(n - 1, Math.floor((a + halfLength) / phantom.stepLengthMm));
            value += phantom.steps[step]!.thicknessMm / maxThickness;
          }
        }
      }
      data[y * columns + x] = value / (sub * sub);
      mask[y * columns + x] = inside === sub * sub ? 1 : 0;
    }
  }
  return { plane: { columns, rows, data }, mask, centerPx: [cx, cy] };
}
