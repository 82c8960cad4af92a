import { availableParallelism } from 'node:os';
import { OpenBmdError } from '../core/errors.js';
import { readModelDescription, MODEL_DESCRIPTION_FILE } from '../nn/model-folder/model-folder.js';
import { nnBackend } from '../nn/nn-backend.js';
import { runTasksInWorkers } from '../nn/parallel/parallel-tasks.js';
import type { PredictionRowBase } from '../pipelines/pipeline.js';
import { SITES, isSite, withPipeline } from '../pipelines/registry.js';
import type { PredictCase, PredictChunkArgs } from './predict-worker.js';
import { join } from 'node:path';

export interface RunPredictOptions {
  modelDir: string;
  cohortCsv: string;
  outCsv: string;
  /** Worker processes (default: 2, or 1 on a 1-core machine). */
  processes?: number;
  say: (line: string) => void;
}

/** Cases per worker task: small enough for progress and an even share, large enough to keep the model warm. */
function chunkSize(cases: number, processes: number): number {
  return Math.max(1, Math.min(10, Math.ceil(cases / (processes * 4))));
}

/**
 * `predict` for any pipeline: the model says which; every row of the cohort goes through the same
 * per-case function as `analyze`, on a pool of worker processes. A row that fails (bad file, QC
 * refusal) is written with its error and the batch goes on; rows are written as chunks finish, so
 * an interrupted batch keeps them.
 */
export async function runPredict(o: RunPredictOptions): Promise<{ predicted: number; failed: number }> {
  const description = readModelDescription(o.modelDir);
  const site = description.pipeline;
  if (!isSite(site))
    throw new OpenBmdError('BAD_MODEL', `is a model of '${site}', which no pipeline reads (pipelines: ${SITES.join(', ')})`, {
      file: join(o.modelDir, MODEL_DESCRIPTION_FILE),
    });
  return withPipeline(site, async (pipeline) => {
    const cohort = pipeline.readCohort(o.cohortCsv);
    for (const s of cohort.skipped) o.say(`openbmd predict: ${o.cohortCsv}:${s.line} ${s.caseId}: skipped (${s.problem})`);
    // Loaded here once to refuse a damaged or unfitted model before any work; the workers load their own.
    const tf = await nnBackend('wasm');
    const model = await pipeline.loadModel(tf, o.modelDir);
    const unfitted = pipeline.unfitted(model);
    pipeline.disposeModel(model);
    if (unfitted !== undefined) throw new OpenBmdError('BAD_MODEL', unfitted, { file: o.modelDir });
    const cases: PredictCase[] = cohort.cases.map((c) => ({
      caseId: c.caseId,
      request: pipeline.caseRequest(c, pipeline.defaultPhantom),
      person: { sex: c.sex, ageYears: c.ageYears, heightCm: c.heightCm, weightKg: c.weightKg },
    }));
    const lineOf = new Map(cohort.cases.map((c) => [c.caseId, c.line]));
    const rows = new Map<string, PredictionRowBase>();
    // Rows come back from the workers as the pipeline made them (structured clones of its own rows).
    const inOrder = (): ReturnType<typeof pipeline.failedRow>[] =>
      cohort.cases.flatMap((c) => {
        const row = rows.get(c.caseId);
        return row === undefined ? [] : [row as ReturnType<typeof pipeline.failedRow>];
      });
    let failed = 0;
    let done = 0;
    const started = Date.now();
    const processes = Math.max(1, Math.min(o.processes ?? Math.min(2, availableParallelism()), cases.length));
    const size = chunkSize(cases.length, processes);
    const tasks: { moduleUrl: string; exportName: string; args: PredictChunkArgs }[] = [];
    for (let i = 0; i < cases.length; i += size)
      tasks.push({
        moduleUrl: new URL('./predict-worker.js', import.meta.url).href,
        exportName: 'predictChunk',
        args: { site, modelDir: o.modelDir, cases: cases.slice(i, i + size) },
      });
    try {
      await runTasksInWorkers<PredictChunkArgs, PredictionRowBase[]>(tasks, processes, (_, chunk) => {
        for (const row of chunk) {
          rows.set(row.caseId, row);
          if (row.error !== undefined) {
            failed += 1;
            o.say(`openbmd predict: ${o.cohortCsv}:${lineOf.get(row.caseId)} ${row.caseId}: ${row.error}`);
          }
        }
        done += chunk.length;
        pipeline.writePredictions(o.outCsv, inOrder());
        const perCase = (Date.now() - started) / 1000 / done;
        o.say(`openbmd predict: ${done}/${cases.length} cases, ${perCase.toFixed(2)} s/case, ETA ${Math.round(perCase * (cases.length - done))} s`);
      });
    } finally {
      pipeline.writePredictions(o.outCsv, inOrder());
    }
    o.say(`openbmd predict: wrote ${o.outCsv}: ${rows.size - failed} predicted, ${failed} failed (listed above and in its error column)`);
    return { predicted: rows.size - failed, failed };
  });
}
