import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import test from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { REPORT_FONT_FAMILY, REPORT_FONT_FILES, overlayFontPaths, reportFontPath } from '../src/report/bundled-font.js';
import { renderSvg } from '../src/report/svg-raster.js';

// The overlays' lines: figures, units and the non-ASCII characters openbmd's sources print (µ, the
// dashes, the ellipsis, the middle dot), accented Latin, Greek and Cyrillic of names, and signs.
const LINES = [
  'Right hip: femoral neck aBMD 0.689 g/cm2, T = -1.4; PF vBMD 353 mg/cm3 — µ·… ±2.5 °C ≥ ≤ ×',
  'Łódź, Müller, Ñúñez, Øre, Šťastný; Ωμέγα; Москва; → ←',
  'QC: side-not-given (no side was named: both hips were measured and the right hip, the lower, is reported)',
];

function svgOf(lines: readonly string[]): string {
  const text = lines
    .flatMap((line, i) => [
      `<text x="6" y="${20 + 44 * i}" font-size="13" fill="white">${line}</text>`,
      `<text x="6" y="${40 + 44 * i}" font-size="17" font-weight="bold" fill="#ffb000">${line}</text>`,
    ])
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${44 * lines.length + 10}" font-family="${REPORT_FONT_FAMILY}"><rect width="100%" height="100%" fill="black"/>${text}</svg>`;
}

test('the overlay fonts (data/fonts, cut from the bundled DejaVu) draw every line as the whole fonts do, pixel for pixel', () => {
  const svg = svgOf(LINES);
  const whole = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: Object.values(REPORT_FONT_FILES).map(reportFontPath), defaultFontFamily: REPORT_FONT_FAMILY },
  }).render();
  const cut = renderSvg(svg);
  assert.equal(cut.columns, whole.width);
  assert.equal(cut.rows, whole.height);
  const rgba = whole.pixels;
  let differing = 0;
  let lit = 0;
  for (let p = 0; p < cut.columns * cut.rows; p++) {
    for (let c = 0; c < 3; c++) if (cut.rgb[3 * p + c] !== rgba[4 * p + c]) differing++;
    if (cut.rgb[3 * p]! > 128) lit++;
  }
  assert.equal(differing, 0, `${differing} bytes differ`);
  // The text was drawn at all (not a black canvas from a font that failed to load).
  assert.ok(lit > 2000, `${lit} bright pixels`);
  // The cuts are what makes the renderer fast: each well under the whole font's size.
  const [regularCut, boldCut, regular, bold] = overlayFontPaths().map((file) => statSync(file).size);
  assert.ok(regularCut! < regular! / 3 && boldCut! < bold! / 3, `cut ${regularCut} and ${boldCut} bytes against ${regular} and ${bold}`);
});
