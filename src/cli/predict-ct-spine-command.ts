import { describeThrown } from '../core/errors.js';
import { nnBackend } from '../nn/nn-backend.js';
import { loadMaterialCatalog } from '../physics/material-catalog.js';
import { readCtSpineCohort } from '../pipelines/ct-spine/ct-spine-cohort.js';
import { disposeCtSpineModel, loadCtSpineModel, recalibrateMethods, scannerNotInTraining } from '../pipelines/ct-spine/ct-spine-model.js';
import type { CtSpinePredictionRow } from '../pipelines/ct-spine/ct-spine-predictions.js';
import { writeCtSpinePredictions } from '../pipelines/ct-spine/ct-spine-predictions.js';
import { calibratedVbmd, measureCtSpineCase, releaseRegressionInputs } from '../pipelines/ct-spine/measure-ct-spine-case.js';
import { refusingFlags } from '../pipelines/ct-spine/analyze-ct-spine.js';
import type { PredictCommandOptions } from './predict-command.js';

/**
 * `openbmd predict` with a ct-spine model: every ct-spine row's series through it. A row that fails
 * (bad series, no level found, no calibration) is written with its error and the batch goes on.
 */
export async function predictCtSpineCommand(o: PredictCommandOptions): Promise<{ predicted: number; failed: number }> {
  const cohort = readCtSpineCohort(o.cohort);
  const tf = await nnBackend('wasm');
  const model = await loadCtSpineModel(tf, o.model);
  const catalog = loadMaterialCatalog();
  const rows: CtSpinePredictionRow[] = [];
  let failed = 0;
  const started = Date.now();
  try {
    for (const [i, c] of cohort.cases.entries()) {
      try {
        // Labels are not read: predict sees what a hospital's series would give it.
        const m = await measureCtSpineCase(tf, model.networks, catalog, { ...c, cancellousMask: undefined, landmarks: undefined });
        releaseRegressionInputs(m);
        if (scannerNotInTraining(model, m.scanner)) m.qcFlags.push('scanner-not-in-training');
        const byMethod = recalibrateMethods(model.recalibration, calibratedVbmd(m), m.ageYears, m.fatMineralEquivalentMgPerCm3);
        const refusing = refusingFlags(m.qcFlags);
        if (refusing.length > 0 || (byMethod.rods === null && byMethod.phantomless === null)) {
          failed++;
          const error = `no vBMD (${refusing.join(', ') || 'no calibration'})`;
          rows.push({ caseId: c.caseId, measurement: m, error });
          process.stderr.write(`openbmd predict: ${o.cohort}:${c.line} ${c.caseId}: ${error}\n`);
        } else rows.push({ caseId: c.caseId, measurement: m, byMethod });
      } catch (thrown) {
        failed++;
        const error = describeThrown(thrown);
        rows.push({ caseId: c.caseId, error });
        process.stderr.write(`openbmd predict: ${o.cohort}:${c.line} ${c.caseId}: ${error}\n`);
      }
      if ((i + 1) % 10 === 0 || i + 1 === cohort.cases.length) {
        writeCtSpinePredictions(o.out, rows, 'primary');
        const perCase = (Date.now() - started) / 1000 / (i + 1);
        process.stderr.write(`openbmd predict: ${i + 1}/${cohort.cases.length} series, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (cohort.cases.length - i - 1))} s\n`);
      }
    }
  } finally {
    writeCtSpinePredictions(o.out, rows, 'primary');
    disposeCtSpineModel(model);
  }
  process.stderr.write(`openbmd predict: wrote ${o.out}: ${rows.length - failed} predicted, ${failed} failed (listed above and in its error column)\n`);
  return { predicted: rows.length - failed, failed };
}
