import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { OpenBmdError } from '../core/errors.js';
import { readCtRodPhantom } from '../calibration/ct-rods/ct-rod-phantom.js';
import type { ClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import type { Person } from '../clinical/interpret-measurement.js';
import { writeSecondaryCapture } from '../io/dicom/write/write-secondary-capture.js';
import type { MaterialCatalog } from '../physics/material-catalog.js';
import type { CtSpineAnalysis } from '../pipelines/ct-spine/analyze-ct-spine.js';
import { analyzeCtSpine, ctSpineSummaryLines } from '../pipelines/ct-spine/analyze-ct-spine.js';
import type { CtSpineModel } from '../pipelines/ct-spine/ct-spine-model.js';
import { writeCtSpineMeasurementReport } from '../pipelines/ct-spine/ct-spine-measurement-report.js';
import { writeCtSpineSegmentation } from '../pipelines/ct-spine/ct-spine-segmentation-object.js';
import { ctSpineOverlayPng } from '../pipelines/ct-spine/ct-spine-overlay.js';
import { ctSpineProvenanceLines, ctSpineResultJson } from '../pipelines/ct-spine/ct-spine-result.js';
import { readCtSpineSeries } from '../pipelines/ct-spine/ct-spine-series.js';
import { resultReportPdf } from '../report/result-report-pdf.js';
import type { AnalyzeOutputs } from './analyze-command.js';

/** Analyses one CT series folder with a loaded model and writes result.json, overlay.png, report.pdf and a Secondary Capture of the overlay. */
export async function analyzeCtSpineFolder(tf: typeof tfTypes, model: CtSpineModel, catalog: MaterialCatalog, folder: string, phantomPath: string | undefined, who: Person, knowledge: ClinicalKnowledge, outDir: string): Promise<{ analysis: CtSpineAnalysis; outputs: AnalyzeOutputs & { segmentation?: string; measurementReport?: string } }> {
  const series = await readCtSpineSeries(folder);
  const phantom = phantomPath === undefined ? undefined : readCtRodPhantom(phantomPath);
  const identity = series.info.identity;
  const dicomSex = identity.patientSex === 'F' || identity.patientSex === 'M' ? identity.patientSex : undefined;
  const person: Person = { sex: who.sex ?? dicomSex, ageYears: who.ageYears ?? ageFromDates(identity.patientBirthDate, identity.studyDate) };
  const analysis = analyzeCtSpine(tf, model, catalog, series, phantom, person, knowledge);
  const simulated = /SIMULATED/i.test(series.info.seriesDescription ?? '');
  const banner = simulated ? 'SIMULATED series: not clinical evidence' : undefined;
  const result = { ...ctSpineResultJson(analysis, model, simulated), phantom: phantomPath === undefined ? null : { file: phantomPath, ...phantom } };
  const summary = ctSpineSummaryLines(analysis);
  const provenance = ctSpineProvenanceLines(model.description);
  const levelText = Object.fromEntries(analysis.measurement.levels.map((l) => {
    const v = analysis.levelVbmd[l.level][analysis.vbmd?.method ?? 'phantomless'];
    return [l.level, l.notMeasurable !== null ? `(${l.notMeasurable.split(' (')[0]})` : v === null ? '' : `${v.toFixed(0)} mg/cm3`];
  }));
  const overlay = ctSpineOverlayPng(series.volume, analysis.measurement, levelText, [...summary, ...provenance.slice(0, 2)], banner);
  mkdirSync(outDir, { recursive: true });
  const outputs: AnalyzeOutputs & { segmentation?: string; measurementReport?: string } = { resultJson: join(outDir, 'result.json'), overlayPng: join(outDir, 'overlay.png'), reportPdf: join(outDir, 'report.pdf'), secondaryCapture: join(outDir, 'overlay-sc.dcm'), result };
  writeFileSync(outputs.resultJson, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(outputs.overlayPng, overlay.png);
  const notes = [...(analysis.interpretation?.notes ?? []), ...(analysis.interpretation?.ruleSource === undefined ? [] : [`Rule: ${analysis.interpretation.ruleSource}`])];
  writeFileSync(outputs.reportPdf, await resultReportPdf({ title: 'openbmd: spine trabecular vBMD from a low-dose CT', file: folder, banner, summary, clinicalNotes: notes, provenance, overlayPng: overlay.png }));
  await writeSecondaryCapture(outputs.secondaryCapture, {
    rgb: overlay.rgb,
    columns: overlay.columns,
    rows: overlay.rows,
    identity: series.info.identity,
    seriesDescription: `openbmd CT spine vBMD overlay${simulated ? ' (SIMULATED)' : ''}`,
    derivationDescription: `openbmd ct-spine pipeline (seed 002 method), model ${model.description.name}; ${summary[0] ?? ''}`,
  });
  const seg = await writeCtSpineSegmentation(join(outDir, 'cancellous-seg.dcm'), series, analysis.measurement, model.description.name, simulated);
  if (seg !== null) {
    outputs.segmentation = join(outDir, 'cancellous-seg.dcm');
    outputs.measurementReport = join(outDir, 'measurements-sr.dcm');
    await writeCtSpineMeasurementReport(outputs.measurementReport, analysis, seg, simulated);
  }
  if (analysis.vbmd === null && analysis.reported === null && analysis.measurement.levels.every((l) => !l.located.found)) {
    throw new OpenBmdError('INVALID_VALUE', 'no target vertebra (T12, L1, L2) was found: the series does not cover the upper lumbar spine', { file: folder });
  }
  return { analysis, outputs };
}

/** Age in years at the study from DICOM dates (YYYYMMDD), undefined when either is missing or malformed. */
export function ageFromDates(birthDate: string | undefined, studyDate: string | undefined): number | undefined {
  const parse = (d: string | undefined): number | undefined => {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(d?.trim() ?? '');
    return m === null ? undefined : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  };
  const birth = parse(birthDate);
  const study = parse(studyDate);
  if (birth === undefined || study === undefined || study < birth) return undefined;
  return (study - birth) / (365.2425 * 24 * 3600 * 1000);
}
