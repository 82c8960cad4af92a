import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';

/** The font every plot is drawn with, shipped by an npm package so output is the same everywhere. */
const FONT_FAMILY = 'DejaVu Sans';

function fontFiles(): string[] {
  const require = createRequire(import.meta.url);
  const folder = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return [join(folder, 'DejaVuSans.ttf'), join(folder, 'DejaVuSans-Bold.ttf')];
}

/** A vega-lite spec rendered headless to SVG text (no browser, no canvas). */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const themed: TopLevelSpec = {
    ...spec,
    config: {
      font: FONT_FAMILY,
      background: 'white',
      ...(spec.config ?? {}),
    },
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(themed).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG to PNG at `scale` x its size, with the bundled font only (system fonts ignored). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT_FAMILY },
    background: 'white',
  });
  return resvg.render().asPng();
}
