import { bilinearAt } from '../../imaging/bilinear-at.js';
import type { RenderedOverlay } from '../../report/analysis-explanation.js';
import { REPORT_FONT_FAMILY } from '../../report/bundled-font.js';
import { heatColourTable } from '../../report/heat-colour.js';
import { escapeHtml } from '../../report/html-escape.js';
import { displayGrey, displayWindow } from '../../report/radiograph-display.js';
import { renderOverlay, wrapLine } from '../../report/svg-raster.js';
import type { HipAnalysis } from './analyze-hip.js';
import { HIP_FIELD } from './radiograph/hip-field.js';
import type { HipFieldPlacement } from './radiograph/hip-field.js';

const VIEW_PIXELS = 760;
const PANEL_HEIGHT = 170;
const HEAT = heatColourTable();
/** The PF-DRR's colour scale: 0 to this many g/cm2 (a dense femoral head projects to about 2). */
const SCALE_MAX_G_PER_CM2 = 2;

/** A field pixel's position (row, column) of an image position: the inverse of fieldToImagePx. */
function imageToField(p: HipFieldPlacement, row: number, column: number): [number, number] {
  const along = (column - p.centreColumnPx) / p.stepPx[1];
  return [(row - p.centreRowPx) / p.stepPx[0] + (HIP_FIELD.rows - 1) / 2, (p.mirrored ? -along : along) + (HIP_FIELD.columns - 1) / 2];
}

/**
 * What a radiologist checks: the radiograph with each hip's predicted PF-DRR (seed 001's 2-D BMD
 * distribution) laid over it in colour where it exceeds the model's threshold, each hip's field
 * outlined (solid: the reported hip), and the figures.
 */
export function hipOverlayPng(a: HipAnalysis, threshold: number, lines: readonly string[], banner: string | undefined): RenderedOverlay {
  const image = a.image;
  const [columns, rows] = image.size;
  const scale = rows / VIEW_PIXELS;
  const width = Math.round(columns / scale);
  const grey = displayGrey(image, 0, 0, columns, rows, width, VIEW_PIXELS, displayWindow(image));
  const rgb = new Uint8Array(width * VIEW_PIXELS * 3);
  // The field position of each view row and column (the mapping is separable): no work per pixel outside a field.
  const sides = [a.sides.left, a.sides.right];
  const fieldMaps = sides.map((s) => ({
    s,
    fieldRows: Float64Array.from({ length: VIEW_PIXELS }, (_, j) => imageToField(s.placement, (j + 0.5) * scale - 0.5, 0)[0]),
    fieldColumns: Float64Array.from({ length: width }, (_, i) => imageToField(s.placement, 0, (i + 0.5) * scale - 0.5)[1]),
  }));
  for (let j = 0; j < VIEW_PIXELS; j++) {
    for (let i = 0; i < width; i++) {
      const g = grey[j * width + i]!;
      const k = 3 * (j * width + i);
      rgb[k] = rgb[k + 1] = rgb[k + 2] = g;
      for (const { s, fieldRows, fieldColumns } of fieldMaps) {
        const fr = fieldRows[j]!;
        const fc = fieldColumns[i]!;
        if (fr < 0 || fc < 0 || fr > HIP_FIELD.rows - 1 || fc > HIP_FIELD.columns - 1) continue;
        const v = bilinearAt(s.pfDrr, HIP_FIELD.columns, HIP_FIELD.rows, fc, fr);
        if (!(v > threshold)) continue;
        const t = Math.min(1, v / SCALE_MAX_G_PER_CM2);
        const h = 3 * Math.round(t * (HEAT.length / 3 - 1));
        for (let c = 0; c < 3; c++) rgb[k + c] = Math.round(0.4 * g + 0.6 * HEAT[h + c]!);
      }
    }
  }
  const outline = sides
    .map((s) => {
      const corners = [
        [0, 0],
        [0, HIP_FIELD.columns - 1],
        [HIP_FIELD.rows - 1, HIP_FIELD.columns - 1],
        [HIP_FIELD.rows - 1, 0],
      ].map(([fr, fc]) => {
        const along = fc! - (HIP_FIELD.columns - 1) / 2;
        const r = s.placement.centreRowPx + (fr! - (HIP_FIELD.rows - 1) / 2) * s.placement.stepPx[0];
        const c = s.placement.centreColumnPx + (s.placement.mirrored ? -along : along) * s.placement.stepPx[1];
        return `${(c / scale).toFixed(1)},${(r / scale).toFixed(1)}`;
      });
      const reported = s.side === a.reported;
      return `<polygon points="${corners.join(' ')}" fill="none" stroke="${reported ? '#40e040' : '#a0a0a0'}" stroke-width="${reported ? 2 : 1}"${reported ? '' : ' stroke-dasharray="6 4"'}/>`;
    })
    .join('');
  // The fields (352 mm tall) often reach past the image: their outlines are clipped to it.
  const legend = `<rect x="8" y="${VIEW_PIXELS - 30}" width="${width - 16}" height="24" fill="black" fill-opacity="0.7"/><text x="14" y="${VIEW_PIXELS - 13}" font-size="13" fill="white">${escapeHtml(`predicted proximal-femur DRR above ${threshold.toFixed(2)} g/cm2, colour 0-${SCALE_MAX_G_PER_CM2} g/cm2; green frame: the reported hip`)}</text>`;
  const wrapped = lines.flatMap((line) => wrapLine(line, Math.floor(Math.max(width, 700) / 7.6)));
  const total = Math.max(width, 700);
  const height = VIEW_PIXELS + Math.max(PANEL_HEIGHT, 30 + wrapped.length * 17);
  const text = wrapped.map((line, n) => `<text x="10" y="${VIEW_PIXELS + 24 + n * 17}" font-size="13" fill="white">${escapeHtml(line)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="${height}" font-family="${REPORT_FONT_FAMILY}">
<svg x="0" y="0" width="${width}" height="${VIEW_PIXELS}">${outline}</svg>
${legend}
${banner === undefined ? '' : `<text x="10" y="26" font-size="20" font-weight="bold" fill="#ffb000">${escapeHtml(banner)}</text>`}
${text}
</svg>`;
  return renderOverlay({ columns: total, rows: height, rasters: [{ x: 0, y: 0, columns: width, rows: VIEW_PIXELS, channels: 3, pixels: rgb }], svg });
}
