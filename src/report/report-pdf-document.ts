import PDFDocument from 'pdfkit';
import { REPORT_FONT_FILES, reportFontPath } from './bundled-font.js';

/** A PDF with the bundled fonts registered as 'body' and 'bold', and a promise of its bytes once `end()` is called. */
export function reportPdfDocument(options: PDFKit.PDFDocumentOptions): { pdf: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const pdf = new PDFDocument(options);
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.registerFont('body', reportFontPath(REPORT_FONT_FILES.regular));
  pdf.registerFont('bold', reportFontPath(REPORT_FONT_FILES.bold));
  return { pdf, done };
}
