import type { RenderedOverlay } from '../../report/analysis-explanation.js';
import { REPORT_FONT_FAMILY } from '../../report/bundled-font.js';
import { pngDataUri, renderSvg, wrapLine } from '../../report/svg-raster.js';
import { escapeHtml } from '../../report/html-escape.js';
import { displayGrey, displayWindow } from '../../report/radiograph-display.js';
import type { ForearmAnalysis } from './analyze-forearm.js';
import type { Point } from './forearm-roi-geometry.js';

/** Longest side of the displayed radiograph, pixels (the inset shows the ROIs at full detail). */
const DISPLAY_PIXELS = 900;
const INSET_PIXELS = 440;
const PANEL_HEIGHT = 175;

const polygon = (points: readonly Point[], stroke: string, width: number, fill = 'none', dash = ''): string =>
  `<polygon points="${points.map((p) => `${p[0].toFixed(2)},${p[1].toFixed(2)}`).join(' ')}" fill="${fill}" stroke="${stroke}" stroke-width="${width}"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}/>`;

const cross = ([x, y]: Point, size: number, colour: string, width: number): string =>
  `<path d="M ${x - size} ${y} L ${x + size} ${y} M ${x} ${y - size} L ${x} ${y + size}" stroke="${colour}" stroke-width="${width}"/>`;

/** The annotations in image pixel coordinates; `unit` is one display pixel in image pixels (line widths). */
function annotations(a: ForearmAnalysis, unit: number, withRadiusPixels: boolean): string {
  const m = a.measurement;
  const parts: string[] = [];
  const [columns] = a.image.size;
  if (withRadiusPixels) {
    // Radius pixels above the adaptive threshold, as a translucent red dot each.
    const dots = m.rois.radiusPixelIndices.map((k) => `M${k % columns} ${Math.floor(k / columns)}h1v1h-1z`).join('');
    parts.push(`<path d="${dots}" fill="#ff3030" fill-opacity="0.35" transform="translate(-0.5 -0.5)"/>`);
    // Every third bone-free pixel the soft-tissue baseline beneath the radius was fitted on.
    const soft = m.rois.baseline.samplePoints
      .filter((_, i) => i % 3 === 0)
      .map(([x, y]) => `M${x.toFixed(1)} ${y.toFixed(1)}h1v1h-1z`)
      .join('');
    parts.push(`<path d="${soft}" fill="#30e030" fill-opacity="0.5" transform="translate(-0.5 -0.5)"/>`);
  }
  parts.push(polygon(m.wedge.corners, '#00c8ff', 2 * unit));
  const pixelMm = a.image.spacingMm[0];
  m.wedge.stepCenters.forEach((c, i) => {
    parts.push(cross(c, 2 / pixelMm, '#00c8ff', 1.2 * unit));
    parts.push(`<text x="${c[0] + 3 / pixelMm}" y="${c[1]}" font-size="${11 * unit}" fill="#00c8ff">${i + 1}</text>`);
  });
  parts.push(polygon(m.geometry.radiusSquare, '#ff3030', 2 * unit));
  parts.push(polygon(m.geometry.softTissue, '#30e030', 2 * unit));
  for (const q of m.geometry.background) parts.push(polygon(q, '#ffd700', 2 * unit));
  a.location.keyPoints.forEach((p) => parts.push(cross(p, 6 * unit, '#ff00ff', 2 * unit)));
  return parts.join('');
}

/**
 * The overlay a radiologist checks: the radiograph with the step wedge and its steps (cyan), the
 * key points (magenta), the radius square (red) with its bone pixels, the soft-tissue rectangle
 * (green) and the bone-free pixels of the soft-tissue baseline (green dots, inset) and the background squares (yellow); an enlarged inset of the ROIs; and the figures.
 */
export function forearmOverlayPng(a: ForearmAnalysis, lines: readonly string[], banner: string | undefined): RenderedOverlay {
  const [columns, rows] = a.image.size;
  const window = displayWindow(a.image);
  const scale = Math.max(columns, rows) / DISPLAY_PIXELS;
  const dw = Math.round(columns / scale);
  const dh = Math.round(rows / scale);
  const whole = pngDataUri(displayGrey(a.image, 0, 0, columns, rows, dw, dh, window), dw, dh);
  // Inset: a square around the ROIs, 2.5 times the radius square's side.
  const square = a.measurement.geometry.radiusSquare;
  const side = Math.hypot(square[1][0] - square[0][0], square[1][1] - square[0][1]);
  const centre: Point = [(square[0][0] + square[2][0]) / 2, (square[0][1] + square[2][1]) / 2];
  const half = 1.6 * side;
  const inset = pngDataUri(
    displayGrey(a.image, centre[0] - half, centre[1] - half, 2 * half, 2 * half, INSET_PIXELS, INSET_PIXELS, window),
    INSET_PIXELS,
    INSET_PIXELS,
  );
  const insetScale = INSET_PIXELS / (2 * half);
  const width = dw + INSET_PIXELS + 30;
  const height = Math.max(dh, INSET_PIXELS + 56) + PANEL_HEIGHT;
  const wrapped = lines.flatMap((line) => wrapLine(line, Math.floor(width / 7.6)));
  const text = wrapped
    .map((line, i) => `<text x="10" y="${Math.max(dh, INSET_PIXELS + 56) + 22 + i * 17}" font-size="13" fill="white">${escapeHtml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" font-family="${REPORT_FONT_FAMILY}">
<rect width="${width}" height="${height}" fill="black"/>
<image x="0" y="0" width="${dw}" height="${dh}" xlink:href="${whole}"/>
<g transform="scale(${1 / scale})">${annotations(a, scale, false)}</g>
<g transform="translate(${dw + 20} 10)">
<image x="0" y="0" width="${INSET_PIXELS}" height="${INSET_PIXELS}" xlink:href="${inset}"/>
<svg x="0" y="0" width="${INSET_PIXELS}" height="${INSET_PIXELS}"><g transform="scale(${insetScale}) translate(${-(centre[0] - half)} ${-(centre[1] - half)})">${annotations(a, 1 / insetScale, true)}</g></svg>
<rect x="0" y="0" width="${INSET_PIXELS}" height="${INSET_PIXELS}" fill="none" stroke="white"/>
<text x="0" y="${INSET_PIXELS + 20}" font-size="12" fill="white">ROIs: radius (red, bone tinted), background (yellow)</text>
<text x="0" y="${INSET_PIXELS + 36}" font-size="12" fill="white">soft tissue: rectangle and baseline pixels (green)</text>
</g>
${banner === undefined ? '' : `<text x="10" y="24" font-size="20" font-weight="bold" fill="#ffb000">${escapeHtml(banner)}</text>`}
${text}
</svg>`;
  return renderSvg(svg);
}
