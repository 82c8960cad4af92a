import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { OpenBmdError } from '../core/errors.js';
import { packageDataPath } from '../core/package-paths.js';
import { readStepWedgePhantom } from '../calibration/step-wedge/step-wedge-phantom.js';
import { loadClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import type { ClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import type { Person } from '../clinical/interpret-measurement.js';
import { readDicomFile } from '../io/dicom/read-dicom.js';
import { writeSecondaryCapture } from '../io/dicom/write/write-secondary-capture.js';
import { nnBackend } from '../nn/nn-backend.js';
import type { ForearmAnalysis } from '../pipelines/forearm/analyze-forearm.js';
import { analyzeForearm, forearmImage, refusingFlags } from '../pipelines/forearm/analyze-forearm.js';
import { deviceName } from '../io/dicom/device-name.js';
import type { ForearmModel } from '../pipelines/forearm/forearm-model.js';
import { defaultForearmModelDir, disposeForearmModel, loadForearmModel } from '../pipelines/forearm/forearm-model.js';
import { forearmOverlayPng } from '../pipelines/forearm/forearm-overlay.js';
import { forearmReportPdf } from '../pipelines/forearm/forearm-report-pdf.js';
import { ctSpineSummaryLines, refusingFlags as refusingCtFlags } from '../pipelines/ct-spine/analyze-ct-spine.js';
import { defaultCtSpineModelDir, disposeCtSpineModel, loadCtSpineModel } from '../pipelines/ct-spine/ct-spine-model.js';
import { loadMaterialCatalog } from '../physics/material-catalog.js';
import { analyzeCtSpineFolder } from './analyze-ct-spine-command.js';
import { forearmResultJson, forearmSummaryLines, modelProvenanceLines } from '../pipelines/forearm/forearm-result.js';

export interface AnalyzeCommandOptions {
  site?: string;
  model?: string;
  out?: string;
  phantom?: string;
  age?: number;
  sex?: string;
  json?: boolean;
}

/** The phantom analyze assumes when none is given: the simulator's default wedge. */
export const DEFAULT_PHANTOM = packageDataPath('phantoms', 'step-wedge-4x2mm-ha600.json');

export interface AnalyzeOutputs {
  resultJson: string;
  overlayPng: string;
  reportPdf: string;
  secondaryCapture: string;
  result: Record<string, unknown>;
}

function person(o: AnalyzeCommandOptions): Person {
  if (o.sex !== undefined && o.sex !== 'F' && o.sex !== 'M') throw new OpenBmdError('BAD_ARGUMENT', `--sex is F or M, got '${o.sex}'`);
  return { sex: o.sex, ageYears: o.age };
}

/** Analyses one radiograph with a loaded model and writes result.json, overlay.png, report.pdf and a Secondary Capture of the overlay. */
export async function analyzeForearmFile(tf: typeof tfTypes, model: ForearmModel, file: string, phantomPath: string, who: Person, knowledge: ClinicalKnowledge, outDir: string): Promise<{ analysis: ForearmAnalysis; outputs: AnalyzeOutputs }> {
  const dicom = await readDicomFile(file);
  const image = forearmImage(dicom);
  const phantom = readStepWedgePhantom(phantomPath);
  const analysis = analyzeForearm(tf, model, image, phantom, file, deviceName(dicom.acquisition.manufacturer, dicom.acquisition.model), who, knowledge);
  const simulated = /SIMULATED/i.test(dicom.seriesDescription ?? '');
  const banner = simulated ? 'SIMULATED image: not clinical evidence' : undefined;
  const result = { ...forearmResultJson(analysis, model, simulated), phantom: { file: phantomPath, ...phantom } };
  const summary = forearmSummaryLines(analysis);
  const provenance = [...modelProvenanceLines(model.description), `Phantom: ${phantomPath}`];
  const overlay = forearmOverlayPng(analysis, [...summary, ...provenance.slice(0, 2)], banner);
  mkdirSync(outDir, { recursive: true });
  const outputs = {
    resultJson: join(outDir, 'result.json'),
    overlayPng: join(outDir, 'overlay.png'),
    reportPdf: join(outDir, 'report.pdf'),
    secondaryCapture: join(outDir, 'overlay-sc.dcm'),
    result,
  };
  writeFileSync(outputs.resultJson, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(outputs.overlayPng, overlay.png);
  const notes = [...(analysis.interpretation?.notes ?? []), ...(analysis.interpretation?.ruleSource === undefined ? [] : [`Rule: ${analysis.interpretation.ruleSource}`])];
  writeFileSync(outputs.reportPdf, await forearmReportPdf({ file, banner, summary, clinicalNotes: notes, provenance, overlayPng: overlay.png }));
  await writeSecondaryCapture(outputs.secondaryCapture, {
    rgb: overlay.rgb,
    columns: overlay.columns,
    rows: overlay.rows,
    identity: dicom.identity,
    seriesDescription: `openbmd forearm aBMD overlay${simulated ? ' (SIMULATED)' : ''}`,
    derivationDescription: `openbmd forearm pipeline (seed 000 method), model ${model.description.name}; ${summary[0] ?? ''}`,
  });
  return { analysis, outputs };
}

/** `openbmd analyze <file>`: one radiograph, its outputs in --out, exit 2 when a QC flag makes the number unusable. */
export async function analyzeCommand(file: string, o: AnalyzeCommandOptions): Promise<void> {
  const site = o.site ?? (isFolder(file) ? 'ct-spine' : 'forearm');
  if (site === 'ct-spine') return analyzeCtSpineCommand(file, o);
  if (site !== 'forearm') throw new OpenBmdError('BAD_ARGUMENT', `analyze --site ${site} is not available yet (forearm and ct-spine are)`);
  const tf = await nnBackend('wasm');
  const model = await loadForearmModel(tf, o.model ?? defaultForearmModelDir());
  try {
    const outDir = o.out ?? join('openbmd-out', basename(file).replace(/[^A-Za-z0-9._-]/g, '_'));
    const { analysis, outputs } = await analyzeForearmFile(tf, model, file, o.phantom ?? DEFAULT_PHANTOM, person(o), loadClinicalKnowledge(), outDir);
    if (o.json === true) process.stdout.write(`${JSON.stringify(outputs.result)}\n`);
    else process.stdout.write(`${forearmSummaryLines(analysis).join('\n')}\n`);
    process.stderr.write(`openbmd analyze: wrote ${outputs.resultJson}, ${outputs.overlayPng}, ${outputs.reportPdf}, ${outputs.secondaryCapture}\n`);
    const refusing = refusingFlags(analysis.flags);
    if (refusing.length > 0) throw new OpenBmdError('INVALID_VALUE', `QC failed (${refusing.join(', ')}): the aBMD is not usable; see ${outputs.overlayPng}`, { file });
  } finally {
    disposeForearmModel(model);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `openbmd analyze <series folder>`: one CT series, its outputs in --out, exit 2 when no vBMD can be reported. */
async function analyzeCtSpineCommand(folder: string, o: AnalyzeCommandOptions): Promise<void> {
  const tf = await nnBackend('wasm');
  const model = await loadCtSpineModel(tf, o.model ?? defaultCtSpineModelDir());
  try {
    const outDir = o.out ?? join('openbmd-out', basename(folder).replace(/[^A-Za-z0-9._-]/g, '_'));
    const { analysis, outputs } = await analyzeCtSpineFolder(tf, model, loadMaterialCatalog(), folder, o.phantom, person(o), loadClinicalKnowledge(), outDir);
    if (o.json === true) process.stdout.write(`${JSON.stringify(outputs.result)}\n`);
    else process.stdout.write(`${ctSpineSummaryLines(analysis).join('\n')}\n`);
    process.stderr.write(`openbmd analyze: wrote ${outputs.resultJson}, ${outputs.overlayPng}, ${outputs.reportPdf}, ${outputs.secondaryCapture}${outputs.segmentation === undefined ? '' : `, ${outputs.segmentation}, ${outputs.measurementReport ?? ''}`}\n`);
    const refusing = refusingCtFlags(analysis.flags);
    if (refusing.length > 0) throw new OpenBmdError('INVALID_VALUE', `no vBMD (${refusing.join(', ')}); see ${outputs.overlayPng}`, { file: folder });
  } finally {
    disposeCtSpineModel(model);
  }
}
