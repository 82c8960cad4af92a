import { Resvg } from '@resvg/resvg-js';
import { encodePng } from '../io/png-encode.js';
import { REPORT_FONT_FAMILY, REPORT_FONT_FILES, reportFontPath } from './bundled-font.js';

/** An 8-bit grey (1 channel) or RGB (3 channels) raster as a PNG data URI, for an SVG <image>. */
export function pngDataUri(pixels: Uint8Array, columns: number, rows: number, channels: 1 | 3 = 1): string {
  return `data:image/png;base64,${Buffer.from(encodePng({ width: columns, height: rows, data: pixels, channels }, 1)).toString('base64')}`;
}

/** Renders an SVG with the bundled font only (the same pixels on every machine): PNG bytes and packed RGB (for a Secondary Capture). */
export function renderSvg(svg: string): { png: Uint8Array; rgb: Uint8Array; columns: number; rows: number } {
  const rendered = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: Object.values(REPORT_FONT_FILES).map(reportFontPath), defaultFontFamily: REPORT_FONT_FAMILY },
  }).render();
  const rgba = rendered.pixels;
  // width and height are native getters: read once, not per pixel (that cost 0.2 s per overlay).
  const { width, height } = rendered;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    rgb[3 * p] = rgba[4 * p]!;
    rgb[3 * p + 1] = rgba[4 * p + 1]!;
    rgb[3 * p + 2] = rgba[4 * p + 2]!;
  }
  // RGB, not resvg's RGBA: a PNG without alpha goes into a PDF as it is, where one with alpha is decoded and split.
  return { png: encodePng({ width, height, data: rgb, channels: 3 }), rgb, columns: width, rows: height };
}

/** Splits a line at spaces so it fits `limit` characters (the panel's width). */
export function wrapLine(line: string, limit: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > limit) {
      out.push(current);
      current = `  ${word}`;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') out.push(current);
  return out;
}
