import { basename } from 'node:path';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import { runAnalyze } from '../../run/run-analyze.js';
import type { AnalysisJob, AnalysisReply } from './analysis-messages.js';
import { studyInputs } from './study-inputs.js';

/** Messages name the upload's files as the client named them, never the server's folders. */
function withoutServerPaths(message: string, inputDir: string): string {
  return message.split(`${inputDir}/`).join('').split(inputDir).join('the upload');
}

/**
 * One study analysed as `openbmd analyze` does it (the same driver, in this process): inputs from
 * the upload, the site and person from the request where given, every output written to outDir.
 */
export async function runAnalysisJob(job: AnalysisJob, progress: (line: string) => void): Promise<AnalysisReply> {
  try {
    const inputs = studyInputs({ dir: job.inputDir, names: job.names });
    const r = await runAnalyze({
      inputs,
      site: job.requested.site,
      outDir: job.outDir,
      phantom: undefined,
      side: job.requested.side,
      person: { sex: job.requested.sex, ageYears: job.requested.ageYears },
      say: progress,
    });
    const files = Object.values(r.files).filter((f): f is string => typeof f === 'string');
    return {
      kind: 'done',
      studyId: job.studyId,
      outcome: {
        site: r.envelope.pipeline,
        category: r.envelope.interpretation?.category ?? null,
        qcFlags: r.envelope.qcFlags.map((f) => f.flag),
        refused: r.envelope.refusal !== null,
        simulated: r.envelope.simulatedInput,
        result: r.envelope,
        files: files.map((f) => basename(f)),
      },
    };
  } catch (thrown) {
    if (thrown instanceof OpenBmdError)
      return { kind: 'failed', studyId: job.studyId, message: withoutServerPaths(thrown.message, job.inputDir), badInput: thrown.isBadInput };
    return { kind: 'failed', studyId: job.studyId, message: `internal error: ${withoutServerPaths(describeThrown(thrown), job.inputDir)}`, badInput: false };
  }
}
