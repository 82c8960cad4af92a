import { basename, join } from 'node:path';
import { loadClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import type { Person } from '../clinical/interpret-measurement.js';
import { nnBackend } from '../nn/nn-backend.js';
import type { StudyRequest } from '../pipelines/pipeline.js';
import { withPipeline } from '../pipelines/registry.js';
import { simulatedBanner } from '../report/analysis-explanation.js';
import type { ResultEnvelope } from '../report/result-envelope.js';
import { resultEnvelope } from '../report/result-envelope.js';
import type { AnalysisOutputFiles } from '../report/write-analysis-outputs.js';
import { writeAnalysisOutputs } from '../report/write-analysis-outputs.js';
import { analyzeStudy } from './analyze-study.js';
import { chooseSite } from './choose-site.js';

export interface RunAnalyzeOptions {
  /** A radiograph file (and its lateral view), or a CT series folder. */
  inputs: readonly string[];
  /** The site; inferred from the DICOM when absent. */
  site?: string | undefined;
  /** Model folder (default: the pipeline's shipped model). */
  modelDir?: string | undefined;
  /** Output folder (default openbmd-out/<input name>). */
  outDir?: string | undefined;
  /** Phantom description (default: the pipeline's, if it has one). */
  phantom?: string | undefined;
  /** The side a one-sided measurement is of (hip); default: the pipeline's choice. */
  side?: 'left' | 'right' | undefined;
  person: Person;
  say: (line: string) => void;
}

export interface RunAnalyzeResult {
  envelope: ResultEnvelope;
  files: AnalysisOutputFiles;
  summary: string[];
  /** Why the number is not reported; undefined when it is. */
  refusal: string | undefined;
}

/** `analyze` for any pipeline: choose it, read the study, analyse, explain, write every output. */
export async function runAnalyze(o: RunAnalyzeOptions): Promise<RunAnalyzeResult> {
  const chosen = chooseSite(o.inputs, o.site);
  o.say(`openbmd analyze: ${chosen.how}`);
  return withPipeline(chosen.site, async (pipeline) => {
    const tf = await nnBackend('wasm');
    const request: StudyRequest = { inputs: o.inputs, phantom: o.phantom ?? pipeline.defaultPhantom, ...(o.side === undefined ? {} : { side: o.side }) };
    // Loaded for this study: a pipeline may leave out networks it cannot use on it.
    const model = await pipeline.loadModel(tf, o.modelDir ?? pipeline.defaultModelDir(), request);
    try {
      const { study, analysis, person, refusal } = await analyzeStudy({ pipeline, tf, model, request, person: o.person, knowledge: loadClinicalKnowledge() });
      const explanation = pipeline.explain(analysis, model, study, simulatedBanner(study.simulated));
      const envelope = resultEnvelope({
        pipeline: pipeline.site,
        method: pipeline.method,
        inputs: study.inputs,
        uids: study,
        simulated: study.simulated,
        phantom: study.phantomFile === undefined || study.phantom === null ? null : { file: study.phantomFile, description: study.phantom },
        person,
        summary: pipeline.summarize(analysis),
        refusingFlags: pipeline.refusingFlags,
        refusal,
        model: model.description,
        provenance: explanation.provenance,
      });
      const outDir = o.outDir ?? join('openbmd-out', basename(o.inputs[0]!).replace(/[^A-Za-z0-9._-]/g, '_'));
      const files = await writeAnalysisOutputs({ outDir, envelope, explanation, identity: study.identity });
      return { envelope, files, summary: explanation.summary, refusal };
    } finally {
      pipeline.disposeModel(model);
    }
  });
}
