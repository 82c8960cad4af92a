import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageDataPath } from '../core/package-paths.js';

/** The one font of every plot and PDF, shipped by an npm package so output is the same everywhere. */
export const REPORT_FONT_FAMILY = 'DejaVu Sans';

export const REPORT_FONT_FILES = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
} as const;

export function reportFontPath(file: string): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', file);
}

/**
 * The fonts the SVG renderer is given for overlays: data/fonts' cuts of the two (the scripts the
 * overlays print; scripts/make-overlay-fonts.sh), then the whole fonts for any other character. The
 * renderer re-reads a font file for every glyph it draws, and the cuts are a quarter of the size.
 */
export function overlayFontPaths(): string[] {
  return [
    packageDataPath('fonts', 'DejaVuSans-overlay.ttf'),
    packageDataPath('fonts', 'DejaVuSans-Bold-overlay.ttf'),
    ...Object.values(REPORT_FONT_FILES).map(reportFontPath),
  ];
}
