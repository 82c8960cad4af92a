import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DicomIdentity } from '../io/dicom/write/dicom-identity.js';
import { encodePngAsync } from '../io/png-encode.js';
import { writeMeasurementReport } from '../io/dicom/write/write-measurement-report.js';
import { writeSecondaryCapture } from '../io/dicom/write/write-secondary-capture.js';
import { writeSegmentation } from '../io/dicom/write/write-segmentation.js';
import type { Explanation } from './analysis-explanation.js';
import { simulatedBanner } from './analysis-explanation.js';
import type { ResultEnvelope } from './result-envelope.js';
import { resultReportPdf } from './result-report-pdf.js';

export interface AnalysisOutputFiles {
  resultJson: string;
  overlayPng: string;
  reportPdf: string;
  secondaryCapture: string;
  segmentation?: string;
  measurementReport?: string;
}

export interface WriteAnalysisOutputsOptions {
  outDir: string;
  envelope: ResultEnvelope;
  explanation: Explanation;
  /** The source's patient and study, so the DICOM outputs file with it. */
  identity: DicomIdentity;
}

/**
 * Every output of one analysis, for every pipeline: result.json, overlay.png, report.pdf, a
 * Secondary Capture of the overlay in the source study, a SEG where the pipeline has masks and an
 * SR where it has measurements of regions.
 */
export async function writeAnalysisOutputs(o: WriteAnalysisOutputsOptions): Promise<AnalysisOutputFiles> {
  mkdirSync(o.outDir, { recursive: true });
  const e = o.explanation;
  const files: AnalysisOutputFiles = {
    resultJson: join(o.outDir, 'result.json'),
    overlayPng: join(o.outDir, 'overlay.png'),
    reportPdf: join(o.outDir, 'report.pdf'),
    secondaryCapture: join(o.outDir, 'overlay-sc.dcm'),
  };
  // The overlay's PNG compresses on the thread pool while the DICOM objects are written here. If
  // writing them fails first, the PNG is never awaited: the handler keeps its own failure quiet.
  const png = encodePngAsync({ width: e.overlay.columns, height: e.overlay.rows, channels: 3, data: e.overlay.rgb });
  png.catch(() => undefined);
  writeFileSync(files.resultJson, `${JSON.stringify(o.envelope, null, 2)}\n`);
  await writeSecondaryCapture(files.secondaryCapture, {
    rgb: e.overlay.rgb,
    columns: e.overlay.columns,
    rows: e.overlay.rows,
    identity: o.identity,
    ...e.secondaryCapture,
  });
  if (e.segmentation !== undefined) {
    files.segmentation = join(o.outDir, 'segmentation.dcm');
    await writeSegmentation(files.segmentation, e.segmentation);
  }
  if (e.measurementReport !== undefined) {
    files.measurementReport = join(o.outDir, 'measurements-sr.dcm');
    await writeMeasurementReport(files.measurementReport, e.measurementReport);
  }
  const overlayPng = await png;
  writeFileSync(files.overlayPng, overlayPng);
  writeFileSync(
    files.reportPdf,
    await resultReportPdf({
      title: e.title,
      input: o.envelope.input.names.join(', '),
      banner: simulatedBanner(o.envelope.simulatedInput),
      summary: e.summary,
      clinicalNotes: e.clinicalNotes,
      provenance: e.provenance,
      overlayPng,
    }),
  );
  return files;
}
