import { describeThrown, OpenBmdError } from '../core/errors.js';
import { loadClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import type { Person } from '../clinical/interpret-measurement.js';
import { nnBackend } from '../nn/nn-backend.js';
import type { PredictionRowBase, StudyRequest } from '../pipelines/pipeline.js';
import type { Site } from '../pipelines/registry.js';
import { withPipeline } from '../pipelines/registry.js';
import { analyzeStudy } from './analyze-study.js';

/** One cohort row as a worker needs it: plain data (structured clone). */
export interface PredictCase {
  caseId: string;
  request: StudyRequest;
  person: Person;
}

export interface PredictChunkArgs {
  site: Site;
  modelDir: string;
  cases: PredictCase[];
}

/** The model a worker process loaded, kept for its next chunk. */
let loaded: { key: string; predict: (cases: PredictCase[]) => Promise<PredictionRowBase[]>; dispose: () => void } | undefined;

/**
 * Task function (runs in a worker process): each case through the same per-case function as
 * `analyze`, into its predictions row. A bad input becomes a failed row and the chunk goes on; a bug
 * stops the batch.
 */
export async function predictChunk(args: PredictChunkArgs): Promise<PredictionRowBase[]> {
  const key = `${args.site}:${args.modelDir}`;
  if (loaded?.key !== key) {
    // A long-lived worker (the service's) may switch models: the old one's weights are freed first.
    loaded?.dispose();
    loaded = undefined;
    const tf = await nnBackend('wasm');
    const knowledge = loadClinicalKnowledge();
    loaded = await withPipeline(args.site, async (pipeline) => {
      const model = await pipeline.loadModel(tf, args.modelDir);
      return {
        key,
        dispose: () => pipeline.disposeModel(model),
        predict: async (cases: PredictCase[]) => {
          const rows: PredictionRowBase[] = [];
          for (const c of cases) {
            try {
              const { analysis, refusal } = await analyzeStudy({ pipeline, tf, model, request: c.request, person: c.person, knowledge });
              rows.push(pipeline.predictionRow(c.caseId, analysis, refusal));
            } catch (thrown) {
              if (!(thrown instanceof OpenBmdError) || !thrown.isBadInput) throw thrown;
              rows.push(pipeline.failedRow(c.caseId, describeThrown(thrown)));
            }
          }
          return rows;
        },
      };
    });
  }
  return loaded.predict(args.cases);
}
