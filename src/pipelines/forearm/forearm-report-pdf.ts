import type { ResultReportContent } from '../../report/result-report-pdf.js';
import { resultReportPdf } from '../../report/result-report-pdf.js';

export type ForearmReportContent = Omit<ResultReportContent, 'title'>;

/** The forearm result page (the shared one-page layout). */
export function forearmReportPdf(c: ForearmReportContent): Promise<Buffer> {
  return resultReportPdf({ ...c, title: 'openbmd: forearm areal BMD from a step-wedge radiograph' });
}
