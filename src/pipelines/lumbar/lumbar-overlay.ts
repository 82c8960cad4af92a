import { REPORT_FONT_FAMILY } from '../../report/bundled-font.js';
import { escapeHtml } from '../../report/html-escape.js';
import { displayGrey, displayWindow } from '../../report/radiograph-display.js';
import type { RenderedOverlay } from '../../report/analysis-explanation.js';
import { pngDataUri, renderSvg, wrapLine } from '../../report/svg-raster.js';
import type { LumbarAnalysis } from './analyze-lumbar.js';
import { LOCATOR_LEVELS } from './lumbar-networks.js';

/** Height of each displayed view, pixels. */
const VIEW_PIXELS = 760;
const PANEL_HEIGHT = 190;
const LEVEL_COLOURS: Record<string, string> = { T12: '#9090ff', L1: '#ff4040', L2: '#ffb000', L3: '#40e040', L4: '#00c8ff', L5: '#c080ff' };

function rect(b: { x0: number; x1: number; y0: number; y1: number }, colour: string, width: number, dash = ''): string {
  return `<rect x="${b.x0.toFixed(1)}" y="${b.y0.toFixed(1)}" width="${(b.x1 - b.x0).toFixed(1)}" height="${(b.y1 - b.y0).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${width}"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}/>`;
}

/**
 * The overlay a radiologist checks: each view with the vertebral bodies the locator found (dashed,
 * T12-L5) and seed 004's L1-L4 ROIs the network read (solid, labelled), then the figures.
 */
export function lumbarOverlayPng(a: LumbarAnalysis, lines: readonly string[], banner: string | undefined): RenderedOverlay {
  const panels: string[] = [];
  let x = 0;
  for (const view of ['ap', 'lat'] as const) {
    const image = a.images[view];
    if (image === undefined) continue;
    const [columns, rows] = image.size;
    const scale = rows / VIEW_PIXELS;
    const dw = Math.round(columns / scale);
    const grey = pngDataUri(displayGrey(image, 0, 0, columns, rows, dw, VIEW_PIXELS, displayWindow(image)), dw, VIEW_PIXELS);
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
    panels.push(`<g transform="translate(${x} 0)">
<image x="0" y="0" width="${dw}" height="${VIEW_PIXELS}" xlink:href="${grey}"/>
<g transform="scale(${1 / scale})">${marks.join('')}</g>
<text x="8" y="${VIEW_PIXELS - 10}" font-size="14" fill="white">${view === 'ap' ? 'AP' : 'lateral'}</text>
</g>`);
    x += dw + 10;
  }
  const width = Math.max(x, 700);
  const wrapped = lines.flatMap((line) => wrapLine(line, Math.floor(width / 7.6)));
  const height = VIEW_PIXELS + Math.max(PANEL_HEIGHT, 30 + wrapped.length * 17);
  const text = wrapped.map((line, i) => `<text x="10" y="${VIEW_PIXELS + 24 + i * 17}" font-size="13" fill="white">${escapeHtml(line)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" font-family="${REPORT_FONT_FAMILY}">
<rect width="${width}" height="${height}" fill="black"/>
${panels.join('\n')}
${banner === undefined ? '' : `<text x="10" y="26" font-size="20" font-weight="bold" fill="#ffb000">${escapeHtml(banner)}</text>`}
${text}
</svg>`;
  return renderSvg(svg);
}
