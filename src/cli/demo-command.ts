import { join, resolve } from 'node:path';
import { loadClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import { nnBackend } from '../nn/nn-backend.js';
import { defaultForearmModelDir, disposeForearmModel, loadForearmModel } from '../pipelines/forearm/forearm-model.js';
import { analyzeForearmFile } from './analyze-command.js';
import { simulateCommand } from './simulate-command.js';
import { trainCommand } from './train-command.js';

export interface DemoOptions {
  out?: string;
  n?: number;
  seed: number;
}

/**
 * `openbmd demo`: the forearm pipeline end to end on a fresh SIMULATED cohort. The shipped
 * networks (trained on another simulated cohort) segment and find the key points; Eq. [2] is
 * cross-validated by patient-grouped folds; the evaluation report and one analysed image show the
 * figures and the evidence.
 */
export async function demoCommand(o: DemoOptions): Promise<void> {
  const started = Date.now();
  const out = resolve(o.out ?? 'openbmd-demo');
  const n = o.n ?? 100;
  const say = (line: string): void => void process.stderr.write(`openbmd demo: ${line}\n`);
  const cohortDir = join(out, 'cohort');
  say(`1/4 simulating ${n} SIMULATED forearm radiographs with a step wedge into ${cohortDir}`);
  await simulateCommand('forearm', { n, out: cohortDir, seed: o.seed, command: `openbmd simulate forearm --n ${n} --out ${cohortDir} --seed ${o.seed}` });
  const modelDir = join(out, 'model');
  say(`2/4 measuring every case with the shipped networks (${defaultForearmModelDir()}) and cross-validating Eq. [2] (5 patient-grouped folds)`);
  const trained = await trainCommand('forearm', {
    cohort: join(cohortDir, 'cohort.csv'),
    out: modelDir,
    folds: 5,
    seed: o.seed,
    networks: defaultForearmModelDir(),
    command: `openbmd train forearm --cohort ${join(cohortDir, 'cohort.csv')} --out ${modelDir} --folds 5 --seed ${o.seed} --networks ${defaultForearmModelDir()}`,
  });
  say(`3/4 evaluation report: ${join(modelDir, 'report.html')} and ${join(modelDir, 'report.pdf')} (metrics.json beside them)`);
  const tf = await nnBackend('wasm');
  const model = await loadForearmModel(tf, modelDir);
  try {
    const first = join(cohortDir, 'images', 'forearm-0001.dcm');
    const { outputs } = await analyzeForearmFile(tf, model, first, join(cohortDir, 'phantoms', 'forearm-0001.json'), {}, loadClinicalKnowledge(), join(out, 'analyze-forearm-0001'));
    say(`4/4 one radiograph analysed with the cross-validated model: ${outputs.overlayPng}, ${outputs.reportPdf}, ${outputs.secondaryCapture}`);
  } finally {
    disposeForearmModel(model);
  }
  const m = trained.metrics;
  if (m !== undefined) say(`SIMULATED cohort, out-of-fold forearm aBMD (n = ${m.n}): r = ${m.pcc.toFixed(3)}, MAE = ${m.mae.toFixed(3)} g/cm2, bias ${m.bias.toFixed(3)} g/cm2`);
  say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; everything is in ${out}`);
}
