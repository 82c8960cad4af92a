import { Resvg } from './resvg-binding.js';
import * as vega from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import { REPORT_FONT_FAMILY, REPORT_FONT_FILES, reportFontPath } from './bundled-font.js';

/** A vega-lite spec rendered headless to SVG text (no browser, no canvas). */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const themed: TopLevelSpec = {
    ...spec,
    config: {
      font: REPORT_FONT_FAMILY,
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
    font: { loadSystemFonts: false, fontFiles: Object.values(REPORT_FONT_FILES).map(reportFontPath), defaultFontFamily: REPORT_FONT_FAMILY },
    background: 'white',
  });
  return resvg.render().asPng();
}
