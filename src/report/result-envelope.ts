import { basename } from 'node:path';
import { displayName } from './display-name.js';
import { z } from 'zod';
import type { ModelDescription } from '../nn/model-folder/model-description.js';
import { OPENBMD_VERSION } from '../nn/model-folder/model-folder.js';
import type { AnalysisSummary } from './analysis-explanation.js';

export const RESULT_SCHEMA_NAME = 'openbmd.result';
export const RESULT_SCHEMA_VERSION = 2;

/**
 * result.json, the same envelope for every pipeline (DESIGN.md "Results"). Paths are never
 * written: inputs, cohorts and models are named, not located.
 */
export const resultEnvelopeSchema = z
  .object({
    schema: z.object({ name: z.literal(RESULT_SCHEMA_NAME), version: z.literal(RESULT_SCHEMA_VERSION) }),
    pipeline: z.string().min(1),
    method: z.string().min(1),
    openbmdVersion: z.string(),
    createdAt: z.string(),
    simulatedInput: z.boolean(),
    input: z.object({
      /** File or folder names as given (last path component). */
      names: z.array(z.string().min(1)).min(1),
      studyInstanceUid: z.string().nullable(),
      seriesInstanceUid: z.string().nullable(),
      sopInstanceUid: z.string().nullable(),
      phantom: z.object({ name: z.string(), description: z.record(z.string(), z.unknown()) }).nullable(),
    }),
    person: z.object({ sex: z.enum(['F', 'M']).nullable(), ageYears: z.number().nullable(), source: z.string() }),
    measurements: z.array(z.object({ column: z.string(), value: z.number().nullable(), unit: z.enum(['g/cm2', 'mg/cm3']), method: z.string() })).min(1),
    interpretation: z
      .object({
        measurement: z.string(),
        value: z.number(),
        unit: z.string(),
        rule: z.string(),
        ruleSource: z.string().nullable(),
        tScore: z.unknown(),
        zScore: z.unknown(),
        category: z.string().nullable(),
        wording: z.string(),
        notes: z.array(z.string()),
      })
      .nullable(),
    qcFlags: z.array(z.object({ flag: z.string().min(1), refusesNumber: z.boolean() })),
    /** Why the number is not reported, in words; null when it is. */
    refusal: z.string().nullable(),
    model: z.object({
      name: z.string(),
      pipeline: z.string(),
      version: z.string(),
      createdAt: z.string(),
      codeCommit: z.string().nullable(),
      trainedOn: z.object({ cohort: z.string(), simulated: z.boolean().nullable(), cases: z.number(), description: z.string().nullable() }),
      outOfFold: z.unknown(),
      provenance: z.array(z.string()),
    }),
    details: z.record(z.string(), z.unknown()),
  })
  .strict();

export type ResultEnvelope = z.infer<typeof resultEnvelopeSchema>;

export interface EnvelopeParts {
  pipeline: string;
  method: string;
  inputs: readonly string[];
  uids: { studyInstanceUid: string | undefined; seriesInstanceUid: string | undefined; sopInstanceUid: string | undefined };
  simulated: boolean;
  phantom: { file: string; description: Record<string, unknown> } | null;
  person: { sex: 'F' | 'M' | undefined; ageYears: number | undefined; source: string };
  summary: AnalysisSummary;
  refusingFlags: readonly string[];
  refusal: string | undefined;
  model: ModelDescription;
  provenance: readonly string[];
}

/**
 * The envelope of one analysis. A refused analysis carries no number and no category, whatever its
 * pipeline's summary holds: a reader of result.json (a PACS, a worklist) takes the value it finds.
 */
export function resultEnvelope(p: EnvelopeParts): ResultEnvelope {
  const refused = p.refusal !== undefined;
  const i = refused ? null : p.summary.interpretation;
  const t = p.model.trainingData;
  return {
    schema: { name: RESULT_SCHEMA_NAME, version: RESULT_SCHEMA_VERSION },
    pipeline: p.pipeline,
    method: p.method,
    openbmdVersion: OPENBMD_VERSION,
    createdAt: new Date().toISOString(),
    simulatedInput: p.simulated,
    input: {
      names: p.inputs.map((path) => basename(path)),
      studyInstanceUid: p.uids.studyInstanceUid ?? null,
      seriesInstanceUid: p.uids.seriesInstanceUid ?? null,
      sopInstanceUid: p.uids.sopInstanceUid ?? null,
      phantom: p.phantom === null ? null : { name: basename(p.phantom.file), description: p.phantom.description },
    },
    person: { sex: p.person.sex ?? null, ageYears: p.person.ageYears ?? null, source: p.person.source },
    measurements: p.summary.measurements.map((m) => ({ ...m, ...(refused ? { value: null } : {}) })),
    interpretation:
      i === null
        ? null
        : {
            measurement: i.measurement,
            value: i.value,
            unit: i.unit,
            rule: i.rule,
            ruleSource: i.ruleSource ?? null,
            tScore: i.tScore ?? null,
            zScore: i.zScore ?? null,
            category: i.category ?? null,
            wording: i.wording,
            notes: i.notes,
          },
    qcFlags: p.summary.qcFlags.map((flag) => ({ flag, refusesNumber: p.refusingFlags.includes(flag) })),
    refusal: p.refusal ?? null,
    model: {
      name: p.model.name,
      pipeline: p.model.pipeline,
      version: p.model.version,
      createdAt: p.model.createdAt,
      codeCommit: p.model.codeCommit ?? null,
      trainedOn: { cohort: displayName(t.cohort), simulated: t.simulated, cases: t.cases, description: t.description ?? null },
      outOfFold: p.model.metrics['outOfFold'] ?? null,
      provenance: [...p.provenance],
    },
    details: p.summary.details,
  };
}
