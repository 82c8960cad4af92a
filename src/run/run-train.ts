import { availableParallelism } from 'node:os';
import { codeCommit } from '../core/code-commit.js';
import { OpenBmdError } from '../core/errors.js';
import type { MeasurementMetrics } from '../evaluate/measurement-metrics.js';
import { runEvaluation } from '../evaluate/run-evaluation.js';
import { nnBackend } from '../nn/nn-backend.js';
import { SITES, isSite, withPipeline } from '../pipelines/registry.js';
import { writeEvaluationReport } from '../report/write-evaluation-report.js';

export interface RunTrainOptions {
  site: string;
  cohortCsv: string;
  outDir: string;
  folds?: number | undefined;
  seed: number;
  networksFrom?: string | undefined;
  fineTuneFrom?: string | undefined;
  cores?: number | undefined;
  /** The pipeline's own options, as given (validated by its schema). */
  options: Record<string, unknown>;
  /** The command recorded in model.json. */
  command: string;
  say: (line: string) => void;
}

export interface RunTrainResult {
  modelDir: string;
  /** Out-of-fold metrics of each variant train validated ('primary', or a method), per measurement column. */
  metrics: Record<string, Record<string, MeasurementMetrics>>;
}

/** `train` for any pipeline: its options checked by its schema, its train, then every out-of-fold predictions file evaluated (metrics.json, HTML/PDF report). */
export async function runTrain(o: RunTrainOptions): Promise<RunTrainResult> {
  // Pinned now: model.json names the code this run started from.
  codeCommit();
  if (!isSite(o.site)) throw new OpenBmdError('BAD_ARGUMENT', `no pipeline '${o.site}' to train (pipelines: ${SITES.join(', ')})`);
  return withPipeline(o.site, async (pipeline) => {
    const parsed = pipeline.trainOptions.safeParse(o.options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const what =
        issue === undefined
          ? 'invalid'
          : issue.code === 'unrecognized_keys'
            ? `does not take ${issue.keys.join(', ')}`
            : `option ${issue.path.join('.')}: ${issue.message}`;
      throw new OpenBmdError('BAD_ARGUMENT', `train ${pipeline.site}: ${what}`);
    }
    const tf = await nnBackend('wasm');
    const write = (line: string): void => o.say(`openbmd train: ${line}`);
    const outcome = await pipeline.train(tf, {
      cohortCsv: o.cohortCsv,
      outDir: o.outDir,
      folds: o.folds,
      seed: o.seed,
      networksFrom: o.networksFrom,
      fineTuneFrom: o.fineTuneFrom,
      cores: o.cores ?? Math.min(2, availableParallelism()),
      command: o.command,
      write: o.say,
      options: parsed.data,
    });
    outcome.lines.forEach(write);
    if (outcome.failed > 0) write(`${outcome.failed} case(s) could not be measured (listed above)`);
    const metrics: RunTrainResult['metrics'] = {};
    for (const oof of outcome.outOfFold) {
      const evaluation = runEvaluation({ cohortCsv: o.cohortCsv, predictionsCsv: oof.predictionsCsv, model: o.outDir });
      const files = await writeEvaluationReport(evaluation, oof.reportDir);
      metrics[oof.label] = {};
      for (const column of pipeline.measurementColumns) {
        const m = evaluation.document.measurements[column];
        if (m === undefined) continue;
        metrics[oof.label]![column] = m;
        const unit = m.unit ?? '';
        write(
          `out-of-fold ${column} (${oof.label}), n = ${m.n}: r = ${m.pcc.toFixed(4)}, R2 = ${m.r2.toFixed(4)}, MAE = ${m.mae.toFixed(4)}, bias = ${m.bias.toFixed(4)} ${unit} (LoA ${m.loaLower.toFixed(3)} to ${m.loaUpper.toFixed(3)}); ${files.metricsJson}`,
        );
      }
      write(`wrote ${oof.predictionsCsv}, ${files.metricsJson}, ${files.html}, ${files.pdf}`);
    }
    write(`model folder ${outcome.modelDir}`);
    return { modelDir: outcome.modelDir, metrics };
  });
}
