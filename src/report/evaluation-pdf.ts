import type { MetricsDocument } from '../evaluate/metrics-document.js';
import { drawPngFitted } from './pdf-png-image.js';
import { reportPdfDocument } from './report-pdf-document.js';
import { type TableLayout, classTable, measurementTable, problemLines, provenanceLines, referralSentence } from './evaluation-summary.js';

export interface PlotImage {
  title: string;
  png: Uint8Array;
}

/** The evaluation as a PDF: provenance, tables, then the plots two per row. */
export function evaluationPdf(document: MetricsDocument, plots: readonly PlotImage[]): Promise<Buffer> {
  const { pdf, done } = reportPdfDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: 'openbmd evaluation', Creator: 'openbmd' } });

  pdf.font('bold').fontSize(16).text('openbmd evaluation');
  if (document.cohort.provenance.simulated === true) {
    pdf.moveDown(0.3).fillColor('#b26a00').fontSize(11).text('SIMULATED cohort: performance on simulated images, not clinical evidence.').fillColor('black');
  }
  pdf.font('body').fontSize(9).moveDown(0.3);
  for (const line of [...provenanceLines(document), ...document.notes]) pdf.text(line);
  pdf.moveDown(0.5).font('bold').fontSize(11).text('Agreement with the reference');
  drawTable(pdf, measurementTable(document));
  const classes = classTable(document);
  if (classes !== undefined && document.classification !== null) {
    pdf.moveDown(0.5).font('bold').fontSize(11).text('Classification');
    pdf
      .font('body')
      .fontSize(8)
      .text(`Reference: ${document.classification.truthFrom}. Predicted: ${document.classification.predictedFrom}. ${document.classification.ciMethod}.`);
    drawTable(pdf, classes);
  }
  const referral = referralSentence(document);
  if (referral !== undefined) pdf.moveDown(0.5).font('bold').fontSize(11).text('Screening referral').font('body').fontSize(8).text(referral);
  const problems = problemLines(document, 15);
  pdf.moveDown(0.5).font('bold').fontSize(11).text(`Data problems (${document.problems.length})`);
  pdf.font('body').fontSize(8);
  for (const line of problems.length === 0 ? ['None.'] : problems) pdf.text(line);

  // The plots on portrait pages, two stacked per page at the full width, each under its title.
  plots.forEach((plot, index) => {
    if (index % 2 === 0) pdf.addPage({ size: 'A4', layout: 'portrait', margin: 36 });
    const slot = (pdf.page.height - 72) / 2;
    const top = 36 + (index % 2) * slot;
    pdf
      .font('bold')
      .fontSize(10)
      .text(plot.title, 36, top, { width: pdf.page.width - 72 });
    drawPngFitted(pdf, plot.png, { x: 36, y: top + 16, fitWidth: pdf.page.width - 72, fitHeight: slot - 28 });
  });
  pdf.end();
  return done;
}

function drawTable(pdf: PDFKit.PDFDocument, table: TableLayout): void {
  const left = 36;
  const width = pdf.page.width - 72;
  const columnWidth = width / table.header.length;
  const drawRow = (cells: string[], bold: boolean): void => {
    pdf.font(bold ? 'bold' : 'body').fontSize(7);
    const heights = cells.map((cell) => pdf.heightOfString(cell, { width: columnWidth - 4 }));
    const height = Math.max(...heights) + 4;
    if (pdf.y + height > pdf.page.height - 36) pdf.addPage();
    const top = pdf.y;
    cells.forEach((cell, i) => pdf.text(cell, left + i * columnWidth + 2, top + 2, { width: columnWidth - 4 }));
    pdf
      .moveTo(left, top + height)
      .lineTo(left + width, top + height)
      .strokeColor('#cccccc')
      .stroke();
    pdf.x = left;
    pdf.y = top + height;
  };
  drawRow(table.header, true);
  for (const row of table.rows) drawRow(row, false);
  pdf.x = left;
}
