import PDFDocument from 'pdfkit';
import { CUT_FONT_FILES, REPORT_FONT_FILES, cutFontPath, cutFontsCover, reportFontPath } from './bundled-font.js';

/**
 * A PDF with the bundled fonts registered as 'body' and 'bold', and a promise of its bytes once
 * `end()` is called. Given all the text the document will print (`printedText`), and every
 * character of it in data/fonts' cuts of the fonts, the cuts are registered instead: the same
 * glyphs, a quarter of the font to read.
 */
export function reportPdfDocument(
  options: PDFKit.PDFDocumentOptions,
  fonts: { printedText?: readonly string[] } = {},
): { pdf: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const pdf = new PDFDocument(options);
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const cut = fonts.printedText !== undefined && cutFontsCover(fonts.printedText);
  pdf.registerFont('body', cut ? cutFontPath(CUT_FONT_FILES.regular) : reportFontPath(REPORT_FONT_FILES.regular));
  pdf.registerFont('bold', cut ? cutFontPath(CUT_FONT_FILES.bold) : reportFontPath(REPORT_FONT_FILES.bold));
  return { pdf, done };
}
