import { drawPngFitted } from './pdf-png-image.js';
import { reportPdfDocument } from './report-pdf-document.js';

export interface ResultReportContent {
  title: string;
  /** The input's name (never a path of the machine that made the report). */
  input: string;
  banner: string | undefined;
  summary: readonly string[];
  clinicalNotes: readonly string[];
  provenance: readonly string[];
  overlayPng: Uint8Array;
}

const DISCLAIMER = 'Research software: not a medical device. The estimate is not a substitute for DXA or QCT.';
const RESULT_HEADING = 'Result';
const SOURCES_HEADING = 'Where the numbers come from';

/** One A4 page for one analysed study: what was measured, how sure, where the model came from, and the overlay as evidence. */
export function resultReportPdf(c: ResultReportContent): Promise<Buffer> {
  // Every string the page prints, so the fonts can be the cuts when they hold all of it.
  const { pdf, done } = reportPdfDocument(
    { size: 'A4', margin: 40, info: { Title: c.title, Creator: 'openbmd' } },
    {
      printedText: [
        c.title,
        `Input: ${c.input}`,
        c.banner ?? '',
        RESULT_HEADING,
        ...c.summary,
        ...c.clinicalNotes,
        SOURCES_HEADING,
        ...c.provenance,
        DISCLAIMER,
      ],
    },
  );
  pdf.font('bold').fontSize(15).text(c.title);
  pdf.font('body').fontSize(8).fillColor('#444444').text(`Input: ${c.input}`).fillColor('black');
  if (c.banner !== undefined) pdf.moveDown(0.3).font('bold').fontSize(10).fillColor('#b26a00').text(c.banner).fillColor('black');
  pdf.moveDown(0.4).font('bold').fontSize(10).text(RESULT_HEADING);
  pdf.font('body').fontSize(9);
  for (const line of c.summary) pdf.text(line);
  for (const line of c.clinicalNotes) pdf.fillColor('#444444').text(line).fillColor('black');
  pdf.moveDown(0.4).font('bold').fontSize(10).text(SOURCES_HEADING);
  pdf.font('body').fontSize(8);
  for (const line of c.provenance) pdf.text(line);
  pdf.moveDown(0.5);
  const top = pdf.y;
  drawPngFitted(pdf, c.overlayPng, { x: 40, y: top, fitWidth: pdf.page.width - 80, fitHeight: pdf.page.height - top - 60 });
  pdf
    .font('body')
    .fontSize(7)
    .fillColor('#444444')
    .text(DISCLAIMER, 40, pdf.page.height - 52, {
      width: pdf.page.width - 80,
      lineBreak: false,
    });
  pdf.end();
  return done;
}
