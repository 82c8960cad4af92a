import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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
