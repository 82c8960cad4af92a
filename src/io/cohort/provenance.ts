import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { readValidatedJson } from '../../core/read-validated-json.js';

/**
 * Where a cohort came from: `cohort.json` beside `cohort.csv` (written by `openbmd simulate`, or by
 * a site for its own data). Without it the report says the provenance is not stated.
 */
const cohortProvenanceSchema = z.object({
  simulated: z.boolean(),
  description: z.string().optional(),
  generator: z.string().optional(),
});

export interface CohortProvenance {
  simulated: boolean | null;
  description: string;
  generator: string | null;
}

export function readCohortProvenance(cohortCsv: string): CohortProvenance {
  const path = join(dirname(cohortCsv), 'cohort.json');
  if (!existsSync(path)) return { simulated: null, description: 'not stated (no cohort.json beside the cohort)', generator: null };
  const parsed = readValidatedJson(path, cohortProvenanceSchema, 'cohort provenance');
  return {
    simulated: parsed.simulated,
    description: parsed.description ?? (parsed.simulated ? 'simulated cohort' : 'clinical cohort'),
    generator: parsed.generator ?? null,
  };
}

/** The model a predictions file came from: a model folder's model.json, or a name given by the user. */
const modelDescriptionSchema = z
  .object({ name: z.string().optional(), pipeline: z.string().optional(), version: z.string().optional(), command: z.string().optional() })
  .passthrough();

export interface ModelProvenance {
  name: string;
  pipeline: string | null;
  version: string | null;
  from: string;
}

export function readModelProvenance(modelOption: string | undefined, predictionsCsv: string): ModelProvenance | null {
  const candidates = modelOption === undefined ? [dirname(predictionsCsv)] : [modelOption];
  for (const candidate of candidates) {
    const path = existsSync(candidate) && statSync(candidate).isDirectory() ? join(candidate, 'model.json') : candidate;
    if (path.endsWith('.json') && existsSync(path)) {
      const model = readValidatedJson(path, modelDescriptionSchema, 'model description');
      return { name: model.name ?? path, pipeline: model.pipeline ?? null, version: model.version ?? null, from: path };
    }
  }
  return modelOption === undefined ? null : { name: modelOption, pipeline: null, version: null, from: '--model' };
}
