import { displayName } from './display-name.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Evaluation } from '../evaluate/run-evaluation.js';
import { metricsJson } from '../evaluate/metrics-document.js';
import { evaluationHtml, type RenderedPlot } from './evaluation-html.js';
import { evaluationPdf } from './evaluation-pdf.js';
import { blandAltmanSpec, confusionSpec, rocSpec, scatterSpec } from './evaluation-plots.js';
import { svgToPng, vegaLiteToSvg } from './vega-render.js';

export interface EvaluationReportFiles {
  metricsJson: string;
  html: string;
  pdf: string;
  plots: string[];
}

/** Writes metrics.json first (so it survives a failing renderer), then the plots, HTML and PDF. */
export async function writeEvaluationReport(evaluation: Evaluation, outDir: string): Promise<EvaluationReportFiles> {
  const { document } = evaluation;
  mkdirSync(join(outDir, 'plots'), { recursive: true });
  const metricsPath = join(outDir, 'metrics.json');
  writeFileSync(metricsPath, metricsJson(document));

  const cohortLabel = `${document.cohort.provenance.simulated === true ? 'SIMULATED ' : ''}cohort ${displayName(document.cohort.file)}`;
  const specs: { name: string; title: string; spec: TopLevelSpec }[] = [];
  for (const pairs of evaluation.pairs) {
    const metrics = document.measurements[pairs.column];
    if (metrics === undefined) continue;
    specs.push({ name: `scatter-${pairs.column}`, title: `${pairs.column} scatter`, spec: scatterSpec(pairs, metrics, cohortLabel) });
    if (metrics.n >= 2)
      specs.push({ name: `bland-altman-${pairs.column}`, title: `${pairs.column} Bland-Altman`, spec: blandAltmanSpec(pairs, metrics, cohortLabel) });
  }
  const classification = document.classification;
  if (classification !== null) {
    if (Object.keys(evaluation.curves).length > 0)
      specs.push({ name: 'roc', title: 'ROC curves', spec: rocSpec(evaluation.curves, classification, cohortLabel) });
    specs.push({ name: 'confusion-matrix', title: 'confusion matrix', spec: confusionSpec(classification, cohortLabel) });
  }
  const rendered: (RenderedPlot & { png: Uint8Array })[] = [];
  const plotFiles: string[] = [];
  for (const { name, title, spec } of specs) {
    const svg = await vegaLiteToSvg(spec);
    const png = svgToPng(svg);
    const base = join(outDir, 'plots', name);
    writeFileSync(`${base}.svg`, svg);
    writeFileSync(`${base}.png`, png);
    plotFiles.push(`${base}.png`);
    rendered.push({ name, title, svg, png });
  }
  const htmlPath = join(outDir, 'report.html');
  writeFileSync(htmlPath, evaluationHtml(document, rendered));
  const pdfPath = join(outDir, 'report.pdf');
  writeFileSync(pdfPath, await evaluationPdf(document, rendered));
  return { metricsJson: metricsPath, html: htmlPath, pdf: pdfPath, plots: plotFiles };
}
