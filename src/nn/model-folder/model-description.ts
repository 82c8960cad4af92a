import { z } from 'zod';
import { ARCHITECTURES } from '../architectures/network-spec.js';

/** Network names become folder names inside the model folder: a closed alphabet keeps them inside it. */
export const NETWORK_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

const networkEntrySchema = z.object({
  /** Architecture and options: rebuilding from them gives the same layers. */
  spec: z.object({ architecture: z.enum(ARCHITECTURES), options: z.record(z.string(), z.unknown()) }),
  /** How inputs are prepared (crop, size, intensity normalisation): what a user of the network must repeat. */
  preprocessing: z.record(z.string(), z.unknown()),
  parameters: z.number().int().nonnegative(),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** The cohort a model's data came from, as model.json records it (trainingData, and networksFrom of a model that reused another's networks). */
export const cohortRecordSchema = z
  .object({
    /** The model folder the networks were taken from (networksFrom only). */
    dir: z.string().optional(),
    cohort: z.string(),
    simulated: z.boolean().nullable(),
    cases: z.number().int().nonnegative(),
    description: z.string().optional(),
    generator: z.string().nullable().optional(),
    failedCases: z.number().int().nonnegative().optional(),
  })
  .passthrough();

export type CohortRecord = z.infer<typeof cohortRecordSchema>;

/**
 * `model.json` of an openbmd model folder: which pipeline it serves, its networks (each in
 * networks/<name>/ in TensorFlow.js layers format), the pipeline's other fitted parameters, the
 * training data it saw, its validation metrics, and the command that made it.
 */
export const modelDescriptionSchema = z.object({
  format: z.literal('openbmd-model'),
  formatVersion: z.literal(1),
  name: z.string().min(1),
  pipeline: z.string().min(1),
  /** openbmd version that wrote it. */
  version: z.string(),
  createdAt: z.string(),
  command: z.string(),
  /** The git commit of the code that wrote it ("-dirty" when it had uncommitted changes); absent outside a checkout. */
  codeCommit: z.string().optional(),
  seed: z.number().int().optional(),
  networks: z.record(z.string().regex(NETWORK_NAME), networkEntrySchema),
  /** Fitted non-network parameters (calibration coefficients, thresholds). */
  parameters: z.record(z.string(), z.unknown()).default({}),
  trainingData: cohortRecordSchema,
  metrics: z.record(z.string(), z.unknown()).default({}),
});

export type ModelDescription = z.infer<typeof modelDescriptionSchema>;
export type NetworkEntry = z.infer<typeof networkEntrySchema>;
