import { Resvg } from './resvg-binding.js';
import { encodePng } from '../io/png-encode.js';
import type { RenderedOverlay } from './analysis-explanation.js';
import { REPORT_FONT_FAMILY, overlayFontPaths } from './bundled-font.js';

/** The renderer's fonts: the bundled ones only (the same pixels on every machine), the overlay cuts first. */
function overlayFontOptions(): { loadSystemFonts: boolean; fontFiles: string[]; defaultFontFamily: string } {
  return { loadSystemFonts: false, fontFiles: overlayFontPaths(), defaultFontFamily: REPORT_FONT_FAMILY };
}

/** An 8-bit grey (1 channel) or RGB (3 channels) raster as a PNG data URI, for an SVG <image>. */
export function pngDataUri(pixels: Uint8Array, columns: number, rows: number, channels: 1 | 3 = 1): string {
  return `data:image/png;base64,${Buffer.from(encodePng({ width: columns, height: rows, data: pixels, channels }, 1)).toString('base64')}`;
}

/** Renders an SVG with the bundled font only (the same pixels on every machine), as packed RGB. */
export function renderSvg(svg: string): RenderedOverlay {
  const rendered = new Resvg(svg, {
    font: overlayFontOptions(),
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
  return { rgb, columns: width, rows: height };
}

/** A raster placed on an overlay's canvas, its top-left corner at (x, y) canvas pixels. */
export interface PlacedRaster {
  x: number;
  y: number;
  columns: number;
  rows: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

/**
 * An overlay from its layers: the rasters copied onto a black canvas, then the SVG (the marks and
 * text, on a transparent background, the bundled font) drawn over them. Cheaper than the rasters as
 * SVG images: no PNG round trip for each raster, and resvg draws only vectors.
 */
export function renderOverlay(o: { columns: number; rows: number; rasters: readonly PlacedRaster[]; svg: string }): RenderedOverlay {
  const { columns, rows } = o;
  const rgb = new Uint8Array(columns * rows * 3);
  for (const r of o.rasters) {
    // The columns of the raster on the canvas, the same for every row.
    const i0 = Math.max(0, -r.x);
    const i1 = Math.min(r.columns, columns - r.x);
    if (i1 <= i0) continue;
    for (let j = 0; j < r.rows; j++) {
      const y = r.y + j;
      if (y < 0 || y >= rows) continue;
      const to = 3 * (y * columns + r.x);
      const from = r.columns * j;
      if (r.channels === 3) {
        rgb.set(r.pixels.subarray(3 * (from + i0), 3 * (from + i1)), to + 3 * i0);
        continue;
      }
      for (let i = i0; i < i1; i++) {
        const g = r.pixels[from + i]!;
        const k = to + 3 * i;
        rgb[k] = g;
        rgb[k + 1] = g;
        rgb[k + 2] = g;
      }
    }
  }
  const rendered = new Resvg(o.svg, {
    font: overlayFontOptions(),
  }).render();
  if (rendered.width !== columns || rendered.height !== rows)
    throw new RangeError(`the overlay's SVG is ${rendered.width} x ${rendered.height}, its canvas ${columns} x ${rows}`);
  // resvg's pixels are premultiplied RGBA: over = src + (1 - alpha) * dst.
  const layer = rendered.pixels;
  const pixels = columns * rows;
  for (let p = 0; p < pixels; p++) {
    const alpha = layer[4 * p + 3]!;
    if (alpha === 0) continue;
    const keep = (255 - alpha) / 255;
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = Math.min(255, Math.round(layer[4 * p + c]! + keep * rgb[3 * p + c]!));
  }
  return { rgb, columns, rows };
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
