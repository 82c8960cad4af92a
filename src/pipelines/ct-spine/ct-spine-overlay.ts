import type { RenderedOverlay } from '../../report/analysis-explanation.js';
import type { Volume3D } from '../../core/volume3d.js';
import { REPORT_FONT_FAMILY } from '../../report/bundled-font.js';
import { escapeHtml } from '../../report/html-escape.js';
import { pngDataUri, renderSvg, wrapLine } from '../../report/svg-raster.js';
import type { TargetLevel } from './ct-spine-networks.js';
import type { CtSpineMeasurement } from './measure-ct-spine.js';
import { PROJECTION_PIXEL_MM } from './spine-projections.js';

const DISPLAY_WINDOW_HU = { low: -250, high: 1050 };
const LEVEL_COLOURS: Record<TargetLevel, [number, number, number]> = { T12: [80, 170, 255], L1: [255, 80, 80], L2: [80, 220, 120] };
const hex = ([r, g, b]: [number, number, number]): string => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** RGB raster of a plane: grey from the HU sampler, tinted where a level's mask covers the pixel. */
function planeRaster(columns: number, rows: number, hu: (c: number, r: number) => number, level: (c: number, r: number) => TargetLevel | null): Uint8Array {
  const rgb = new Uint8Array(columns * rows * 3);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const g = Math.round(255 * Math.min(1, Math.max(0, (hu(c, r) - DISPLAY_WINDOW_HU.low) / (DISPLAY_WINDOW_HU.high - DISPLAY_WINDOW_HU.low))));
      const l = level(c, r);
      const p = 3 * (r * columns + c);
      if (l === null) {
        rgb[p] = g;
        rgb[p + 1] = g;
        rgb[p + 2] = g;
      } else {
        const tint = LEVEL_COLOURS[l];
        for (let k = 0; k < 3; k++) rgb[p + k] = Math.round(0.55 * g + 0.45 * tint[k]!);
      }
    }
  }
  return rgb;
}

/** Which level's segmentation holds each voxel. */
function labelMap(volume: Volume3D, m: CtSpineMeasurement): Map<number, TargetLevel> {
  const map = new Map<number, TargetLevel>();
  for (const l of m.levels) for (const o of l.segmentation?.region.offsets ?? []) map.set(o, l.level);
  return map;
}

/**
 * The evidence for a CT result: the coronal MIP with each located level boxed and labelled, a
 * sagittal reformat through the spine's midline and an axial slice through the middle reported
 * level, both with the segmented cancellous bone tinted per level, the elliptical ROI outlined and
 * the calibration rods circled; text lines below.
 */
export function ctSpineOverlayPng(
  volume: Volume3D,
  m: CtSpineMeasurement,
  levelText: Partial<Record<TargetLevel, string>>,
  lines: readonly string[],
  banner: string | undefined,
): RenderedOverlay {
  const [nx, ny, nz] = volume.size;
  const [sx, sy, sz] = volume.spacingMm;
  const at = (i: number, j: number, k: number): number =>
    i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? -1000 : volume.data[i + nx * (j + ny * k)]!;
  const labels = labelMap(volume, m);
  const scaleCoronal = 3;
  // Coronal MIP (already windowed 0-1 in the projection).
  const cor = m.localisation.coronal;
  const corGrey = new Uint8Array(cor.columns * cor.rows);
  for (let p = 0; p < corGrey.length; p++) corGrey[p] = Math.round(255 * cor.data[p]!);
  const corW = cor.columns * scaleCoronal;
  const corH = cor.rows * scaleCoronal;
  const boxes = m.levels
    .filter((l) => l.located.centreMm !== null)
    .map((l) => {
      const [x, , z] = l.located.centreMm!;
      const cx = ((x - cor.firstColumnMm) / PROJECTION_PIXEL_MM) * scaleCoronal;
      const cz = ((cor.topZMm - z) / PROJECTION_PIXEL_MM) * scaleCoronal;
      const halfW = (22 / PROJECTION_PIXEL_MM) * scaleCoronal;
      const halfH = (Math.max(12, l.heightMm / 2) / PROJECTION_PIXEL_MM) * scaleCoronal;
      const colour = hex(LEVEL_COLOURS[l.level]);
      return `<rect x="${cx - halfW}" y="${cz - halfH}" width="${2 * halfW}" height="${2 * halfH}" fill="none" stroke="${colour}" stroke-width="2"/><text x="${cx + halfW + 6}" y="${cz + 5}" font-size="14" fill="${colour}">${escapeHtml(`${l.level} ${levelText[l.level] ?? ''}`)}</text>`;
    })
    .join('');
  // Sagittal reformat at the midline, 1 mm pixels (anterior left).
  const midI = Math.round(m.localisation.midlineMm / sx);
  const sagColumns = Math.round((ny - 1) * sy);
  const sagRows = Math.round((nz - 1) * sz);
  const sag = planeRaster(
    sagColumns,
    sagRows,
    (c, r) => at(midI, Math.round(c / sy), Math.round((sagRows - r) / sz)),
    (c, r) => labels.get(midI + nx * (Math.round(c / sy) + ny * Math.round((sagRows - r) / sz))) ?? null,
  );
  // Axial slice through the middle located level.
  const located = m.levels.filter((l) => l.located.centreMm !== null);
  const middle = located[Math.floor(located.length / 2)];
  const k = middle === undefined ? Math.floor(nz / 2) : Math.round(middle.located.centreMm![2] / sz);
  const axColumns = Math.round((nx - 1) * sx);
  const axRows = Math.round((ny - 1) * sy);
  const ax = planeRaster(
    axColumns,
    axRows,
    (c, r) => at(Math.round(c / sx), Math.round(r / sy), k),
    (c, r) => labels.get(Math.round(c / sx) + nx * (Math.round(r / sy) + ny * k)) ?? null,
  );
  const ellipse =
    middle?.roi === null || middle?.roi === undefined
      ? ''
      : `<ellipse cx="${middle.roi.centreMm[0]}" cy="${middle.roi.centreMm[1]}" rx="${middle.roi.semiAxesMm[0]}" ry="${middle.roi.semiAxesMm[1]}" transform="rotate(${(middle.roi.angleRad * 180) / Math.PI} ${middle.roi.centreMm[0]} ${middle.roi.centreMm[1]})" fill="none" stroke="yellow" stroke-width="1.2"/>`;
  const rods =
    m.rods !== null && m.rods.ok
      ? m.rods.calibration.rods
          .map(
            (r) =>
              `<circle cx="${r.centreMm[0]}" cy="${r.centreMm[1]}" r="9" fill="none" stroke="#ff9900" stroke-width="1.2"${r.detected ? '' : ' stroke-dasharray="3 2"'}/><text x="${r.centreMm[0] - 8}" y="${r.centreMm[1] + 22}" font-size="9" fill="#ff9900">${r.mgPerCm3}</text>`,
          )
          .join('')
      : '';
  const panelH = Math.max(corH, sagRows, axRows);
  const width = corW + sagColumns + axColumns + 40;
  const textTop = panelH + 50;
  const wrapped = lines.flatMap((line) => wrapLine(line, Math.floor(width / 7.6)));
  const height = textTop + 20 + 17 * wrapped.length;
  const text = wrapped.map((line, i) => `<text x="10" y="${textTop + 18 + i * 17}" font-size="13" fill="white">${escapeHtml(line)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" font-family="${REPORT_FONT_FAMILY}">
<rect width="${width}" height="${height}" fill="black"/>
<g transform="translate(0 30)"><image x="0" y="0" width="${corW}" height="${corH}" preserveAspectRatio="none" xlink:href="${pngDataUri(corGrey, cor.columns, cor.rows)}"/>${boxes}</g>
<g transform="translate(${corW + 20} 30)"><image x="0" y="0" width="${sagColumns}" height="${sagRows}" xlink:href="${pngDataUri(sag, sagColumns, sagRows, 3)}"/></g>
<g transform="translate(${corW + sagColumns + 40} 30)"><image x="0" y="0" width="${axColumns}" height="${axRows}" xlink:href="${pngDataUri(ax, axColumns, axRows, 3)}"/>${ellipse}${rods}</g>
<text x="10" y="20" font-size="13" fill="white">coronal MIP, located levels (segmentation tinted per level)</text>
<text x="${corW + 20}" y="20" font-size="13" fill="white">sagittal, midline (anterior left)</text>
<text x="${corW + sagColumns + 40}" y="20" font-size="13" fill="white">axial, ${middle?.level ?? 'centre'}: ROI yellow, rods orange</text>
${banner === undefined ? '' : `<text x="10" y="${panelH + 44}" font-size="18" font-weight="bold" fill="#ffb000">${escapeHtml(banner)}</text>`}
${text}
</svg>`;
  return renderSvg(svg);
}
