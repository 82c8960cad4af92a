import { join, resolve } from 'node:path';
import { loadClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import { nnBackend } from '../nn/nn-backend.js';
import { defaultForearmModelDir, disposeForearmModel, loadForearmModel } from '../pipelines/forearm/forearm-model.js';
import { analyzeForearmFile } from './analyze-command.js';
import { simulateCommand } from './simulate-command.js';
import { trainCommand } from './train-command.js';
import { loadMaterialCatalog } from '../physics/material-catalog.js';
import { readCtSpineCohort } from '../pipelines/ct-spine/ct-spine-cohort.js';
import { defaultCtSpineModelDir, disposeCtSpineModel, loadCtSpineModel } from '../pipelines/ct-spine/ct-spine-model.js';
import { VBMD_METHODS } from '../pipelines/ct-spine/measure-ct-spine.js';
import { analyzeCtSpineFolder } from './analyze-ct-spine-command.js';
import { trainCtSpineCommand } from './train-ct-spine-command.js';

export interface DemoOptions {
  out?: string;
  n?: number;
  /** CT series of the CT part (default 16); 0 leaves it out. */
  ctN?: number;
  seed: number;
}

/**
 * `openbmd demo`: the forearm pipeline end to end on a fresh SIMULATED cohort. The shipped
 * networks (trained on another simulated cohort) segment and find the key points; Eq. [2] is
 * cross-validated by patient-grouped folds; the evaluation report and one analysed image show the
 * figures and the evidence. Then the CT spine pipeline the same way on SIMULATED low-dose CT series:
 * the shipped networks locate and segment, each calibration's recalibration is cross-validated, and
 * one series with rods is analysed.
 */
export async function demoCommand(o: DemoOptions): Promise<void> {
  const started = Date.now();
  const out = resolve(o.out ?? 'openbmd-demo');
  const n = o.n ?? 100;
  const say = (line: string): void => void process.stderr.write(`openbmd demo: ${line}\n`);
  const cohortDir = join(out, 'cohort');
  say(`1/7 simulating ${n} SIMULATED forearm radiographs with a step wedge into ${cohortDir}`);
  await simulateCommand('forearm', { n, out: cohortDir, seed: o.seed, command: `openbmd simulate forearm --n ${n} --out ${cohortDir} --seed ${o.seed}` });
  const modelDir = join(out, 'model');
  say(`2/7 measuring every case with the shipped networks (${defaultForearmModelDir()}) and cross-validating Eq. [2] (5 patient-grouped folds)`);
  const trained = await trainCommand('forearm', {
    cohort: join(cohortDir, 'cohort.csv'),
    out: modelDir,
    folds: 5,
    seed: o.seed,
    networks: defaultForearmModelDir(),
    command: `openbmd train forearm --cohort ${join(cohortDir, 'cohort.csv')} --out ${modelDir} --folds 5 --seed ${o.seed} --networks ${defaultForearmModelDir()}`,
  });
  say(`3/7 evaluation report: ${join(modelDir, 'report.html')} and ${join(modelDir, 'report.pdf')} (metrics.json beside them)`);
  const tf = await nnBackend('wasm');
  const model = await loadForearmModel(tf, modelDir);
  try {
    const first = join(cohortDir, 'images', 'forearm-0001.dcm');
    const { outputs } = await analyzeForearmFile(tf, model, first, join(cohortDir, 'phantoms', 'forearm-0001.json'), {}, loadClinicalKnowledge(), join(out, 'analyze-forearm-0001'));
    say(`4/7 one radiograph analysed with the cross-validated model: ${outputs.overlayPng}, ${outputs.reportPdf}, ${outputs.secondaryCapture}`);
  } finally {
    disposeForearmModel(model);
  }
  const m = trained.metrics;
  if (m !== undefined) say(`SIMULATED cohort, out-of-fold forearm aBMD (n = ${m.n}): r = ${m.pcc.toFixed(3)}, MAE = ${m.mae.toFixed(3)} g/cm2, bias ${m.bias.toFixed(3)} g/cm2`);
  const ctN = o.ctN ?? 16;
  if (ctN > 0) await ctSpineDemo(out, ctN, o.seed, say);
  say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; everything is in ${out}`);
}

/** The CT part of the demo: simulate, cross-validate the recalibration with the shipped networks, analyse one series with rods. */
async function ctSpineDemo(out: string, n: number, seed: number, say: (line: string) => void): Promise<void> {
  const cohortDir = join(out, 'ct-cohort');
  const options = ['--ct-slices', '100', '--slice-mm', '2.5'];
  say(`5/7 simulating ${n} SIMULATED low-dose CT series (512 x 512 x 100, 2.5 mm; rods under half of them) into ${cohortDir}`);
  await simulateCommand('ct-spine', { n, out: cohortDir, seed, ctSlices: 100, sliceMm: 2.5, command: `openbmd simulate ct-spine --n ${n} --out ${cohortDir} --seed ${seed} ${options.join(' ')}` });
  const modelDir = join(out, 'ct-model');
  const folds = Math.min(5, Math.max(2, Math.floor(n / 4)));
  say(`6/7 locating T12-L2 and segmenting with the shipped networks (${defaultCtSpineModelDir()}), cross-validating each calibration's recalibration (${folds} patient-grouped folds)`);
  const trained = await trainCtSpineCommand({
    cohort: join(cohortDir, 'cohort.csv'),
    out: modelDir,
    folds,
    seed,
    networks: defaultCtSpineModelDir(),
    command: `openbmd train ct-spine --cohort ${join(cohortDir, 'cohort.csv')} --out ${modelDir} --folds ${folds} --seed ${seed} --networks ${defaultCtSpineModelDir()}`,
  });
  const tf = await nnBackend('wasm');
  const model = await loadCtSpineModel(tf, modelDir);
  try {
    const rows = readCtSpineCohort(join(cohortDir, 'cohort.csv')).cases;
    const withRods = rows.find((c) => c.phantom !== undefined) ?? rows[0]!;
    const { outputs } = await analyzeCtSpineFolder(tf, model, loadMaterialCatalog(), withRods.image, withRods.phantom, { ageYears: withRods.ageYears, sex: withRods.sex }, loadClinicalKnowledge(), join(out, `analyze-${withRods.caseId}`));
    say(`7/7 one CT series analysed: ${outputs.overlayPng}, ${outputs.reportPdf}, ${outputs.secondaryCapture}`);
  } finally {
    disposeCtSpineModel(model);
  }
  const m = trained.metrics.primary;
  const perMethod = VBMD_METHODS.flatMap((method) => {
    const mm = trained.metrics[method];
    return mm === undefined ? [] : [`${method} R2 ${mm.r2.toFixed(3)} (n = ${mm.n})`];
  });
  if (m !== undefined) say(`SIMULATED CT cohort, out-of-fold spine vBMD (n = ${m.n}): R2 = ${m.r2.toFixed(3)}, bias ${m.bias.toFixed(2)} mg/cm3; by method: ${perMethod.join(', ')}; reports in ${modelDir}`);
}
