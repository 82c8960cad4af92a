import { REPORT_FONT_FAMILY } from '../../report/bundled-font.js';
import { escapeHtml } from '../../report/html-escape.js';
import { displayGrey, displayWindow } from '../../report/radiograph-display.js';
import type { RenderedOverlay } from '../../report/analysis-explanation.js';
import type { PlacedRaster } from '../../report/svg-raster.js';
import { renderOverlay, wrapLine } from '../../report/svg-raster.js';
import type { LumbarAnalysis } from './analyze-lumbar.js';
import type { Image2D } from '../../core/image2d.js';
import { bilinearAt } from '../../imaging/bilinear-at.js';
import { imageToGrid } from '../../imaging/network-grid.js';
import { heatColourTable } from '../../report/heat-colour.js';
import { CROP, LOCATOR_LEVELS } from './lumbar-networks.js';
import { roiGrid } from './roi-crops.js';
import type { RoiBox } from './vertebral-body-boxes.js';

/** Height of each displayed view, pixels. */
const VIEW_PIXELS = 760;
const PANEL_HEIGHT = 190;
const HEAT = heatColourTable();
const LEVEL_COLOURS: Record<string, string> = { T12: '#9090ff', L1: '#ff4040', L2: '#ffb000', L3: '#40e040', L4: '#00c8ff', L5: '#c080ff' };

function rect(b: { x0: number; x1: number; y0: number; y1: number }, colour: string, width: number, dash = ''): string {
  return `<rect x="${b.x0.toFixed(1)}" y="${b.y0.toFixed(1)}" width="${(b.x1 - b.x0).toFixed(1)}" height="${(b.y1 - b.y0).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${width}"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}/>`;
}

/**
 * The L1-L4 column of a view with the network's class-activation map blended into each ROI (the
 * map lives on the crops' grid, so each ROI shows it through its own crop's geometry).
 */
function activationPanel(image: Image2D, rois: readonly RoiBox[], map: Float32Array, target: string, x: number): { svg: string; raster: PlacedRaster } {
  const [columns, rows] = image.size;
  const top = Math.min(...rois.map((r) => r.y0));
  const bottom = Math.max(...rois.map((r) => r.y1));
  const margin = 0.08 * (bottom - top);
  const y0 = Math.max(0, top - margin);
  const y1 = Math.min(rows, bottom + margin);
  const cx = (Math.min(...rois.map((r) => r.x0)) + Math.max(...rois.map((r) => r.x1))) / 2;
  const halfWidth = Math.max(...rois.map((r) => r.x1 - r.x0)) / 2 + margin;
  const x0 = Math.max(0, cx - halfWidth);
  const x1 = Math.min(columns, cx + halfWidth);
  const scale = (y1 - y0) / VIEW_PIXELS;
  const width = Math.max(1, Math.round((x1 - x0) / scale));
  const grey = displayGrey(image, x0, y0, x1 - x0, y1 - y0, width, VIEW_PIXELS, displayWindow(image));
  const grids = rois.map((roi) => ({ roi, grid: roiGrid(roi) }));
  const rgb = new Uint8Array(width * VIEW_PIXELS * 3);
  for (let j = 0; j < VIEW_PIXELS; j++) {
    const iy = y0 + (j + 0.5) * scale;
    // The ROIs this row crosses, in their order (the first that holds a pixel colours it).
    const rowGrids = grids.filter(({ roi }) => iy >= roi.y0 && iy <= roi.y1);
    for (let i = 0; i < width; i++) {
      const ix = x0 + (i + 0.5) * scale;
      const g = grey[j * width + i]!;
      const k = 3 * (j * width + i);
      let hit: (typeof grids)[number] | undefined;
      for (const candidate of rowGrids)
        if (ix >= candidate.roi.x0 && ix <= candidate.roi.x1) {
          hit = candidate;
          break;
        }
      if (hit === undefined) {
        rgb[k] = rgb[k + 1] = rgb[k + 2] = g;
        continue;
      }
      const [gx, gy] = imageToGrid(hit.grid, [ix, iy]);
      const v = Math.max(0, Math.min(1, bilinearAt(map, CROP.size, CROP.size, gx, gy)));
      const h = 3 * Math.round(v * (HEAT.length / 3 - 1));
      const alpha = 0.15 + 0.45 * v;
      for (let c = 0; c < 3; c++) rgb[k + c] = Math.round((1 - alpha) * g + alpha * HEAT[h + c]!);
    }
  }
  const marks = rois.map((roi) =>
    rect(
      { x0: (roi.x0 - x0) / scale, x1: (roi.x1 - x0) / scale, y0: (roi.y0 - y0) / scale, y1: (roi.y1 - y0) / scale },
      LEVEL_COLOURS[roi.level] ?? 'white',
      1.5,
    ),
  );
  const svg = `<g transform="translate(${x} 0)">
${marks.join('')}
<rect x="0" y="${VIEW_PIXELS - 42}" width="${width}" height="42" fill="black" fill-opacity="0.7"/>
<text x="6" y="${VIEW_PIXELS - 26}" font-size="12" fill="white">Grad-CAM of the class</text>
<text x="6" y="${VIEW_PIXELS - 10}" font-size="12" fill="white">${escapeHtml(target)}</text>
</g>`;
  return { svg, raster: { x, y: 0, columns: width, rows: VIEW_PIXELS, channels: 3, pixels: rgb } };
}

/**
 * The overlay a radiologist checks: each view with the vertebral bodies the locator found (dashed,
 * T12-L5), seed 004's L1-L4 ROIs the network read (solid, labelled) and, on the AP view, where the
 * lowest pair of ribs arises (orange, the count from the last rib); beside each, where the
 * network looked (Grad-CAM of its most likely WHO class in the ROIs); then the figures.
 */
export function lumbarOverlayPng(a: LumbarAnalysis, lines: readonly string[], banner: string | undefined): RenderedOverlay {
  const panels: string[] = [];
  const rasters: PlacedRaster[] = [];
  const activation = a.classActivation?.();
  let x = 0;
  for (const view of ['ap', 'lat'] as const) {
    const image = a.images[view];
    if (image === undefined) continue;
    const [columns, rows] = image.size;
    const scale = rows / VIEW_PIXELS;
    const dw = Math.round(columns / scale);
    rasters.push({
      x,
      y: 0,
      columns: dw,
      rows: VIEW_PIXELS,
      channels: 1,
      pixels: displayGrey(image, 0, 0, columns, rows, dw, VIEW_PIXELS, displayWindow(image)),
    });
    const location = a.located.locations[view];
    const marks: string[] = [];
    for (const body of location?.bodies ?? []) marks.push(rect(body, LEVEL_COLOURS[body.level] ?? 'white', 1.2 * scale, `${4 * scale} ${3 * scale}`));
    for (const roi of location?.rois ?? []) {
      const colour = LEVEL_COLOURS[roi.level] ?? 'white';
      marks.push(rect(roi, colour, 2 * scale));
      marks.push(
        `<text x="${(roi.x1 + 6 * scale).toFixed(1)}" y="${((roi.y0 + roi.y1) / 2).toFixed(1)}" font-size="${15 * scale}" fill="${colour}">${roi.level}</text>`,
      );
    }
    const unlabelled = (location?.bodies ?? []).filter((b) => !LOCATOR_LEVELS.slice(1, 5).includes(b.level));
    for (const body of unlabelled)
      marks.push(
        `<text x="${(body.x1 + 6 * scale).toFixed(1)}" y="${((body.y0 + body.y1) / 2).toFixed(1)}" font-size="${13 * scale}" fill="${LEVEL_COLOURS[body.level] ?? 'white'}">${body.level}</text>`,
      );
    // Where the lowest pair of ribs arises (the second count), beside the column.
    const rib = location?.lastRib;
    if (rib !== undefined && location !== undefined && location.bodies.length > 0) {
      const left = Math.min(...location.bodies.map((b) => b.x0));
      const right = Math.max(...location.bodies.map((b) => b.x1));
      const y = rib.rootRow.toFixed(1);
      for (const [from, to] of [
        [left - 40 * scale, left - 6 * scale],
        [right + 6 * scale, right + 40 * scale],
      ] as const)
        marks.push(`<line x1="${from.toFixed(1)}" y1="${y}" x2="${to.toFixed(1)}" y2="${y}" stroke="orange" stroke-width="${2 * scale}"/>`);
      marks.push(
        `<text x="${(left - 40 * scale).toFixed(1)}" y="${(rib.rootRow - 6 * scale).toFixed(1)}" font-size="${12 * scale}" fill="orange">last rib</text>`,
      );
    }
    panels.push(`<g transform="translate(${x} 0)">
<g transform="scale(${1 / scale})">${marks.join('')}</g>
<text x="8" y="${VIEW_PIXELS - 10}" font-size="14" fill="white">${view === 'ap' ? 'AP' : 'lateral'}</text>
</g>`);
    x += dw + 10;
    const map = activation?.maps[view];
    if (map !== undefined && location !== undefined && location.rois.length > 0) {
      const panel = activationPanel(image, location.rois, map, `${activation!.target} (${view === 'ap' ? 'AP' : 'lateral'})`, x);
      panels.push(panel.svg);
      rasters.push(panel.raster);
      x += panel.raster.columns + 10;
    }
  }
  const width = Math.max(x, 700);
  const wrapped = lines.flatMap((line) => wrapLine(line, Math.floor(width / 7.6)));
  const height = VIEW_PIXELS + Math.max(PANEL_HEIGHT, 30 + wrapped.length * 17);
  const text = wrapped.map((line, i) => `<text x="10" y="${VIEW_PIXELS + 24 + i * 17}" font-size="13" fill="white">${escapeHtml(line)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${REPORT_FONT_FAMILY}">
${panels.join('\n')}
${banner === undefined ? '' : `<text x="10" y="26" font-size="20" font-weight="bold" fill="#ffb000">${escapeHtml(banner)}</text>`}
${text}
</svg>`;
  return renderOverlay({ columns: width, rows: height, rasters, svg });
}
