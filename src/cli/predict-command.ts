import { OpenBmdError } from '../core/errors.js';
import { nnBackend } from '../nn/nn-backend.js';
import { applyAbmdEquation } from '../pipelines/forearm/abmd-equation.js';
import { REFUSING_FLAGS } from '../pipelines/forearm/analyze-forearm.js';
import type { ForearmQcFlag } from '../pipelines/forearm/analyze-forearm.js';
import { readForearmCohort } from '../pipelines/forearm/forearm-cohort.js';
import { disposeForearmModel, loadForearmModel } from '../pipelines/forearm/forearm-model.js';
import type { ForearmPredictionRow } from '../pipelines/forearm/forearm-predictions.js';
import { writeForearmPredictions } from '../pipelines/forearm/forearm-predictions.js';
import { measureForearmCase } from '../pipelines/forearm/measure-forearm-case.js';
import { DEFAULT_PHANTOM } from './analyze-command.js';

export interface PredictCommandOptions {
  model: string;
  cohort: string;
  out: string;
}

/** Rows are written every this many cases, so an interrupted batch keeps what it did. */
const FLUSH_EVERY = 10;

/**
 * `openbmd predict`: every forearm row of the cohort through the model. A row that fails (bad file,
 * no wedge, QC refusal) is written with its error and the batch goes on; the count is reported.
 */
export async function predictCommand(o: PredictCommandOptions): Promise<{ predicted: number; failed: number }> {
  const cohort = readForearmCohort(o.cohort);
  const tf = await nnBackend('wasm');
  const model = await loadForearmModel(tf, o.model);
  const equation = model.equation;
  if (equation === undefined) {
    disposeForearmModel(model);
    throw new OpenBmdError('BAD_MODEL', 'has no Eq. [2] fit (parameters.abmdEquation): train it on a cohort with forearm_abmd', { file: o.model });
  }
  const rows: ForearmPredictionRow[] = [];
  let failed = 0;
  const started = Date.now();
  try {
    for (const [i, c] of cohort.cases.entries()) {
      const withPhantom = c.phantom === undefined ? { ...c, phantom: DEFAULT_PHANTOM } : c;
      try {
        const m = await measureForearmCase(tf, model.networks, { ...withPhantom, labels: undefined, landmarks: undefined }, model.backgroundRemoval);
        const refusing = m.flags.filter((f) => REFUSING_FLAGS.includes(f as ForearmQcFlag));
        if (refusing.length > 0) throw new OpenBmdError('INVALID_VALUE', `QC failed (${refusing.join(', ')})`, { file: c.image });
        rows.push({ caseId: c.caseId, abmdGPerCm2: applyAbmdEquation(equation, m.radiusThicknessMm, m.softTissueThicknessMm), measurement: m });
      } catch (thrown) {
        if (!(thrown instanceof OpenBmdError) || !thrown.isBadInput) throw thrown;
        failed += 1;
        rows.push({ caseId: c.caseId, abmdGPerCm2: undefined, error: thrown.message });
        process.stderr.write(`openbmd predict: ${o.cohort}:${c.line} ${c.caseId}: ${thrown.message}\n`);
      }
      if ((i + 1) % FLUSH_EVERY === 0 || i + 1 === cohort.cases.length) {
        writeForearmPredictions(o.out, rows);
        const perCase = (Date.now() - started) / 1000 / (i + 1);
        process.stderr.write(`openbmd predict: ${i + 1}/${cohort.cases.length} cases, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (cohort.cases.length - i - 1))} s\n`);
      }
    }
  } finally {
    writeForearmPredictions(o.out, rows);
    disposeForearmModel(model);
  }
  process.stderr.write(`openbmd predict: wrote ${o.out}: ${rows.length - failed} predicted, ${failed} failed (listed above and in its error column)\n`);
  return { predicted: rows.length - failed, failed };
}
