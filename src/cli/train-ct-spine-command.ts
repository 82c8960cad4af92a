import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { OpenBmdError } from '../core/errors.js';
import type { MeasurementMetrics } from '../evaluate/measurement-metrics.js';
import { runEvaluation } from '../evaluate/run-evaluation.js';
import { nnBackend } from '../nn/nn-backend.js';
import type { VbmdMethod } from '../pipelines/ct-spine/measure-ct-spine.js';
import type { TrainCtSpineResult } from '../pipelines/ct-spine/train-ct-spine.js';
import { CALIBRATION_METHODS, REGRESSION_EPOCHS, trainCtSpine } from '../pipelines/ct-spine/train-ct-spine.js';
import { writeEvaluationReport } from '../report/write-evaluation-report.js';
import { FINE_TUNE_EPOCHS } from '../pipelines/ct-spine/fine-tune-vbmd-regression.js';
import type { TrainCommandOptions } from './train-command.js';

/** Default epochs of the coronal, sagittal, segmentation and DenseNet networks; early stopping may end sooner. */
const DEFAULT_EPOCHS = `20,12,8,${REGRESSION_EPOCHS}`;

function parseEpochs(text: string): { coronal: number; sagittal: number; segmentation: number; regression: number } {
  const parts = text.split(',').map(Number);
  if ((parts.length !== 3 && parts.length !== 4) || !parts.every((v) => Number.isInteger(v) && v >= 1)) throw new OpenBmdError('BAD_ARGUMENT', `--epochs wants three or four positive integers CORONAL,SAGITTAL,SEGMENTATION[,DENSENET], got '${text}'`);
  return { coronal: parts[0]!, sagittal: parts[1]!, segmentation: parts[2]!, regression: parts[3] ?? REGRESSION_EPOCHS };
}

/** `openbmd train ct-spine`: networks where the cohort has labels, each calibration's recalibration, and with --folds the out-of-fold metrics per method. */
export async function trainCtSpineCommand(o: TrainCommandOptions): Promise<TrainCtSpineResult & { metrics: Partial<Record<'primary' | VbmdMethod, MeasurementMetrics>> }> {
  const tf = await nnBackend('wasm');
  const write = (line: string): void => void process.stderr.write(`${line}\n`);
  const batch = o.batchSize ?? 8;
  const result = await trainCtSpine(tf, {
    cohortCsv: o.cohort,
    outDir: o.out,
    folds: o.folds,
    seed: o.seed,
    networksFrom: o.networks,
    fineTuneFrom: o.fineTune,
    // A fine-tuning starts from a trained DenseNet: fewer epochs unless --epochs says.
    epochs: parseEpochs(o.epochs ?? (o.fineTune === undefined ? DEFAULT_EPOCHS : `20,12,8,${FINE_TUNE_EPOCHS}`)),
    batchSize: { coronal: batch, sagittal: batch, segmentation: Math.max(1, Math.round(batch / 2)) },
    cores: o.cores ?? Math.min(2, availableParallelism()),
    command: o.command ?? `openbmd train ${process.argv.slice(3).join(' ')}`.trim(),
    write,
  });
  for (const [stage, what] of Object.entries(result.stages)) write(`openbmd train: ${stage}: ${what}`);
  for (const method of CALIBRATION_METHODS) {
    const r = result.recalibration[method];
    if (r !== null) write(`openbmd train: ${method} recalibration: QCT = ${r.interceptMgPerCm3.toFixed(2)} + ${r.slope.toFixed(4)} x calibrated (n = ${r.n})${r.withAge === undefined ? '' : `; with age: ${r.withAge.interceptMgPerCm3.toFixed(2)} + ${r.withAge.slope.toFixed(4)} x calibrated + ${r.withAge.agePerYear.toFixed(4)} x age${r.withAge.fatEquivalentReferenceMgPerCm3 === undefined ? '' : ` x fat equivalent / ${r.withAge.fatEquivalentReferenceMgPerCm3.toFixed(1)} mg/cm3`}`}`);
  }
  if (result.failed.length > 0) write(`openbmd train: ${result.failed.length} series could not be measured (listed above)`);
  const metrics: Partial<Record<'primary' | VbmdMethod, MeasurementMetrics>> = {};
  const files: [keyof typeof metrics, string | undefined, string][] = [
    ['primary', result.predictionsCsv, o.out],
    ...CALIBRATION_METHODS.map((m): [keyof typeof metrics, string | undefined, string] => [m, result.methodPredictionsCsv[m], join(o.out, `method-${m}`)]),
  ];
  for (const [name, csv, dir] of files) {
    if (csv === undefined) continue;
    const evaluation = runEvaluation({ cohortCsv: o.cohort, predictionsCsv: csv, model: o.out });
    const written = await writeEvaluationReport(evaluation, dir);
    const m = evaluation.document.measurements['spine_vbmd'];
    if (m === undefined) continue;
    metrics[name] = m;
    write(`openbmd train: out-of-fold spine vBMD (${name}), n = ${m.n}: R2 = ${m.r2.toFixed(4)}, bias = ${m.bias.toFixed(2)} mg/cm3 (LoA ${m.loaLower.toFixed(1)} to ${m.loaUpper.toFixed(1)}), MAE = ${m.mae.toFixed(2)}; ${written.metricsJson}`);
  }
  write(`openbmd train: model folder ${result.modelDir}`);
  return { ...result, metrics };
}
