import type { MetricsDocument } from '../evaluate/metrics-document.js';
import { type TableLayout, classTable, measurementTable, problemLines, provenanceLines, referralSentence } from './evaluation-summary.js';
import { escapeHtml } from './html-escape.js';

export interface RenderedPlot {
  name: string;
  title: string;
  svg: string;
}

function tableHtml(table: TableLayout): string {
  const head = table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A self-contained HTML page (plots inline as SVG, no scripts, no external resources). */
export function evaluationHtml(document: MetricsDocument, plots: readonly RenderedPlot[]): string {
  const simulated = document.cohort.provenance.simulated === true;
  const classification = classTable(document);
  const c = document.classification;
  const problems = problemLines(document, 200);
  const referral = referralSentence(document);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>openbmd evaluation</title>
<style>
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 24px; color: #212121; max-width: 1200px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; } th { background: #f1f3f5; }
.banner { background: #fff3cd; border: 1px solid #e0a800; padding: 8px 12px; font-weight: bold; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; } .plots figure { margin: 0; }
.small { font-size: 12px; color: #555; }
</style></head><body>
<h1>openbmd evaluation</h1>
${simulated ? '<p class="banner">Simulated cohort: these figures describe performance on simulated images. They are not clinical evidence.</p>' : ''}
<ul>${provenanceLines(document)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('')}</ul>
${document.notes.map((n) => `<p class="small">${escapeHtml(n)}</p>`).join('\n')}
<h2>Agreement with the reference</h2>
${Object.keys(document.measurements).length === 0 ? '<p>No measurement column in both files.</p>' : tableHtml(measurementTable(document))}
<p class="small">r: Pearson with Fisher-z CI. ICC(2,1): two-way random, absolute agreement; ICC(3,1): two-way mixed, consistency (Shrout &amp; Fleiss, F-based CIs). R^2, SEE, slope and intercept: reference regressed on openbmd. Bias: mean of openbmd minus reference; LoA: bias +- 1.96 SD.</p>
${
  c === null || classification === undefined
    ? '<h2>Classification</h2><p>No categories could be formed.</p>'
    : `<h2>Classification</h2>
<p class="small">Reference categories: ${escapeHtml(c.truthFrom)}. Predicted: ${escapeHtml(c.predictedFrom)}. Reference tables: ${escapeHtml(c.referenceTables.join(', ') || 'none')}. ${escapeHtml(c.ciMethod)}. ${c.excludedCases.length} case(s) excluded (listed in metrics.json).</p>
${tableHtml(classification)}
<p class="small">${c.notes.map(escapeHtml).join(' ')}</p>
<p class="small">Rules: ${c.ruleSources.map(escapeHtml).join(' | ')}</p>`
}
${referral === undefined ? '' : `<h2>Screening referral</h2>\n<p>${escapeHtml(referral)}</p>`}
<h2>Plots</h2>
<div class="plots">${plots.map((p) => `<figure title="${escapeHtml(p.title)}">${p.svg}</figure>`).join('\n')}</div>
<h2>Data problems (${document.problems.length})</h2>
${problems.length === 0 ? '<p>None: every row joined and every value was a number.</p>' : `<ul class="small">${problems.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`}
</body></html>
`;
}
