import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import { nnBackend } from '../../nn/nn-backend.js';
import { runTasksInWorkers } from '../../nn/parallel/parallel-tasks.js';
import type { ForearmCase } from './forearm-cohort.js';
import type { ForearmModel } from './forearm-model.js';
import { loadForearmModel } from './forearm-model.js';
import type { ForearmCaseMeasurement } from './measure-forearm-case.js';
import { measureForearmCase } from './measure-forearm-case.js';

/** One case's outcome: its measurement, or the bad-input error that stopped it (the batch goes on). */
export type CaseOutcome = { caseId: string; measurement: ForearmCaseMeasurement } | { caseId: string; error: string };

export interface MeasureChunkArgs {
  modelDir: string;
  cases: ForearmCase[];
}

/** The worker process keeps the model it loaded for the next chunk. */
let loaded: { dir: string; tf: TensorFlow; model: ForearmModel } | undefined;

/** Task function (runs in a worker process): measure a chunk of cases with a model folder's networks. */
export async function measureChunk(args: MeasureChunkArgs): Promise<CaseOutcome[]> {
  if (loaded?.dir !== args.modelDir) {
    const tf = await nnBackend('wasm');
    loaded = { dir: args.modelDir, tf, model: await loadForearmModel(tf, args.modelDir) };
  }
  const { tf, model } = loaded;
  const out: CaseOutcome[] = [];
  for (const c of args.cases) {
    try {
      out.push({ caseId: c.caseId, measurement: await measureForearmCase(tf, model.networks, c, model.backgroundRemoval) });
    } catch (thrown) {
      if (!(thrown instanceof OpenBmdError) || !thrown.isBadInput) throw thrown;
      out.push({ caseId: c.caseId, error: thrown.message });
    }
  }
  return out;
}

/**
 * Measures cases with a model folder on several worker processes (each loads the model once),
 * in chunks so progress can be reported; outcomes come back in case order.
 */
export async function measureCasesInWorkers(
  modelDir: string,
  cases: readonly ForearmCase[],
  processes: number,
  onChunk: (done: number, total: number, outcomes: CaseOutcome[]) => void,
  chunkSize = 10,
): Promise<CaseOutcome[]> {
  const chunks: ForearmCase[][] = [];
  for (let i = 0; i < cases.length; i += chunkSize) chunks.push(cases.slice(i, i + chunkSize));
  let done = 0;
  const results = await runTasksInWorkers<MeasureChunkArgs, CaseOutcome[]>(
    chunks.map((chunk) => ({ moduleUrl: import.meta.url, exportName: 'measureChunk', args: { modelDir, cases: chunk } })),
    processes,
    (_, outcomes) => {
      done += outcomes.length;
      onChunk(done, cases.length, outcomes);
    },
  );
  return results.flat();
}
