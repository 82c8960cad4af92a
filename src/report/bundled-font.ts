import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { readValidatedJson } from '../core/read-validated-json.js';
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

/** data/fonts' cuts of the two report fonts (scripts/make-overlay-fonts.sh). */
export const CUT_FONT_FILES = {
  regular: 'DejaVuSans-overlay.ttf',
  bold: 'DejaVuSans-Bold-overlay.ttf',
} as const;

export function cutFontPath(file: string): string {
  return packageDataPath('fonts', file);
}

let cutRanges: readonly (readonly [number, number])[] | undefined;

const coverageSchema = z.object({
  unicodeRanges: z.array(z.tuple([z.number().int(), z.number().int()]).refine(([first, last]) => first <= last, 'a range is [first, last]')),
});

/** The code points the cuts hold, [first, last] inclusive (data/fonts/overlay-font-coverage.json, which the script cuts by). */
function cutFontRanges(): readonly (readonly [number, number])[] {
  cutRanges ??= readValidatedJson(packageDataPath('fonts', 'overlay-font-coverage.json'), coverageSchema, 'overlay font coverage').unicodeRanges;
  return cutRanges;
}

/**
 * Whether every character of the texts is one the cut fonts hold (line breaks aside), so a
 * document printing only them looks the same with the cuts: a quarter of the bytes for the PDF
 * writer's font reader to parse (about 50 ms of a one-page report).
 */
export function cutFontsCover(texts: readonly string[]): boolean {
  const ranges = cutFontRanges();
  for (const text of texts) {
    for (const character of text) {
      const code = character.codePointAt(0)!;
      if (code === 10 || code === 13) continue;
      if (!ranges.some(([first, last]) => code >= first && code <= last)) return false;
    }
  }
  return true;
}
