import { OpenBmdError } from '../core/errors.js';
import { nnBackend } from '../nn/nn-backend.js';
import { applyAbmdEquationSet, detectorUnseen } from '../pipelines/forearm/abmd-equation-set.js';
import { refusingFlags } from '../pipelines/forearm/analyze-forearm.js';
import { readForearmCohort } from '../pipelines/forearm/forearm-cohort.js';
import { disposeForearmModel, loadForearmModel } from '../pipelines/forearm/forearm-model.js';
import type { ForearmPredictionRow } from '../pipelines/forearm/forearm-predictions.js';
import { writeForearmPredictions } from '../pipelines/forearm/forearm-predictions.js';
import type { CaseOutcome } from '../pipelines/forearm/measure-cases-in-workers.js';
import { measureCasesInWorkers } from '../pipelines/forearm/measure-cases-in-workers.js';
import { availableParallelism } from 'node:os';
import { DEFAULT_PHANTOM } from './analyze-command.js';
import { readModelDescription } from '../nn/model-folder/model-folder.js';
import { CT_SPINE_PIPELINE } from '../pipelines/ct-spine/ct-spine-model.js';
import { predictCtSpineCommand } from './predict-ct-spine-command.js';

export interface PredictCommandOptions {
  model: string;
  cohort: string;
  out: string;
  /** Worker processes (default: 2, or 1 on a 1-core machine). */
  processes?: number;
}

/**
 * `openbmd predict`: every forearm row of the cohort through the model. A row that fails (bad file,
 * no wedge, QC refusal) is written with its error and the batch goes on; the count is reported.
 */
export async function predictCommand(o: PredictCommandOptions): Promise<{ predicted: number; failed: number }> {
  if (readModelDescription(o.model).pipeline === CT_SPINE_PIPELINE) return predictCtSpineCommand(o);
  const cohort = readForearmCohort(o.cohort);
  const tf = await nnBackend('wasm');
  const model = await loadForearmModel(tf, o.model);
  // Loaded here to refuse a damaged or unfitted model before any work; the workers load their own.
  const equation = model.equation;
  disposeForearmModel(model);
  if (equation === undefined) {
    throw new OpenBmdError('BAD_MODEL', 'has no Eq. [2] fit (parameters.abmdEquation): train it on a cohort with forearm_abmd', { file: o.model });
  }
  const rows = new Map<string, ForearmPredictionRow>();
  let failed = 0;
  const started = Date.now();
  const inOrder = (): ForearmPredictionRow[] => cohort.cases.map((c) => rows.get(c.caseId)).filter((r): r is ForearmPredictionRow => r !== undefined);
  const lineOf = new Map(cohort.cases.map((c) => [c.caseId, c.line]));
  const record = (outcome: CaseOutcome): void => {
    const fail = (message: string): void => {
      failed += 1;
      rows.set(outcome.caseId, { caseId: outcome.caseId, abmdGPerCm2: undefined, error: message });
      process.stderr.write(`openbmd predict: ${o.cohort}:${lineOf.get(outcome.caseId)} ${outcome.caseId}: ${message}\n`);
    };
    if ('error' in outcome) return fail(outcome.error);
    const m = outcome.measurement;
    const refusing = refusingFlags(m.flags);
    if (refusing.length > 0) return fail(`QC failed (${refusing.join(', ')})`);
    const { abmdGPerCm2, scope } = applyAbmdEquationSet(equation, m);
    const flags = detectorUnseen(equation, m.detector) ? [...m.flags, 'detector-not-in-training'] : m.flags;
    rows.set(outcome.caseId, { caseId: outcome.caseId, abmdGPerCm2, equationScope: scope, measurement: { ...m, flags } });
  };
  const cases = cohort.cases.map((c) => ({ ...(c.phantom === undefined ? { ...c, phantom: DEFAULT_PHANTOM } : c), labels: undefined, landmarks: undefined }));
  try {
    // Chunks of cases on both cores; rows are written as chunks finish, so an interrupted batch keeps them.
    await measureCasesInWorkers(o.model, cases, o.processes ?? Math.min(2, availableParallelism()), (done, total, outcomes) => {
      outcomes.forEach(record);
      writeForearmPredictions(o.out, inOrder());
      const perCase = (Date.now() - started) / 1000 / done;
      process.stderr.write(`openbmd predict: ${done}/${total} cases, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (total - done))} s\n`);
    });
  } finally {
    writeForearmPredictions(o.out, inOrder());
  }
  process.stderr.write(`openbmd predict: wrote ${o.out}: ${rows.size - failed} predicted, ${failed} failed (listed above and in its error column)\n`);
  return { predicted: rows.size - failed, failed };
}
