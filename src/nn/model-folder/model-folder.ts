import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import type { z } from 'zod';
import { codeCommit } from '../../core/code-commit.js';
import { OpenBmdError } from '../../core/errors.js';
import { readValidatedJson } from '../../core/read-validated-json.js';
import type { NetworkSpec } from '../architectures/network-spec.js';
import type { CohortRecord, ModelDescription } from './model-description.js';
import { NETWORK_NAME, cohortRecordSchema, modelDescriptionSchema } from './model-description.js';
import type { NetworkArchitecture } from './network-architecture.js';
import { loadNetworkWithArchitecture, loadWeightsForGraph, saveNetworkFiles } from './network-files.js';

type Tf = TensorFlow;

export const MODEL_DESCRIPTION_FILE = 'model.json';
export const OPENBMD_VERSION = '0.1.0';

/** A network to save: the model, how it was built, and how its inputs are prepared. */
export interface NetworkToSave {
  model: tfTypes.LayersModel;
  spec: NetworkSpec;
  preprocessing: Record<string, unknown>;
}

export type ModelFolderContents = Omit<ModelDescription, 'format' | 'formatVersion' | 'version' | 'createdAt' | 'codeCommit' | 'networks'>;

function codeCommitField(): { codeCommit?: string } {
  const commit = codeCommit();
  return commit === undefined ? {} : { codeCommit: commit };
}

const networkDir = (dir: string, name: string): string => join(dir, 'networks', name);

/**
 * Writes a model folder: each network under networks/<name>/ in TensorFlow.js layers format, then
 * model.json (written last, by rename) describing them with their weights' SHA-256.
 */
export async function saveModelFolder(tf: Tf, dir: string, contents: ModelFolderContents, networks: Record<string, NetworkToSave>): Promise<ModelDescription> {
  mkdirSync(dir, { recursive: true });
  const entries: ModelDescription['networks'] = {};
  for (const [name, network] of Object.entries(networks)) {
    if (!NETWORK_NAME.test(name)) throw new OpenBmdError('BAD_ARGUMENT', `network name '${name}' must be lower-case letters, digits and dashes`);
    const weightsSha256 = await saveNetworkFiles(tf, network.model, networkDir(dir, name));
    entries[name] = {
      spec: { architecture: network.spec.architecture, options: { ...network.spec.options } },
      preprocessing: network.preprocessing,
      parameters: network.model.countParams(),
      weightsSha256,
    };
  }
  const description: ModelDescription = {
    format: 'openbmd-model',
    formatVersion: 1,
    version: OPENBMD_VERSION,
    createdAt: new Date().toISOString(),
    ...codeCommitField(),
    ...contents,
    networks: entries,
  };
  const path = join(dir, MODEL_DESCRIPTION_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(description, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return description;
}

/** What a pipeline needs of a model folder: its pipeline name, and the input shape of each network it uses. */
export interface ModelExpectation {
  pipeline?: string;
  /**
   * `sharesGraphWith`: this network is that one's architecture (an ensemble's members): only its
   * weights are loaded, as tensors for that network's graph (`weightsOnGraph`), not a graph of its own.
   */
  networks?: Record<string, { inputShapes?: (number | null)[][]; sharesGraphWith?: string }>;
  /** Load only the networks named in `networks` (default: every network in the folder). */
  onlyExpected?: boolean;
}

/**
 * Where a model's networks were trained: its own training cohort, or, when it reused another
 * model's networks, the origin recorded then (parameters.networksFrom), kept through every reuse.
 */
export function networksOrigin(description: ModelDescription, dir: string): CohortRecord {
  const earlier = cohortRecordSchema.safeParse(description.parameters['networksFrom']);
  return earlier.success ? earlier.data : { dir, ...description.trainingData };
}

/**
 * The spec a model folder recorded for one of its networks. model.json's schema checks the
 * architecture's name; its options are those saveModelFolder wrote from a NetworkSpec, and the
 * weights' checksum vouches for the folder, so they are taken as that architecture's options.
 */
export function recordedNetworkSpec(description: ModelDescription, name: string, file: string): NetworkSpec {
  const entry = description.networks[name];
  if (entry === undefined) throw new OpenBmdError('BAD_MODEL', `has no network '${name}'`, { file });
  return entry.spec as unknown as NetworkSpec;
}

/** Reads and validates model.json alone (no networks loaded). */
export function readModelDescription(dir: string): ModelDescription {
  if (!existsSync(dir)) throw new OpenBmdError('FILE_NOT_FOUND', 'model folder not found', { file: dir });
  if (!statSync(dir).isDirectory()) throw new OpenBmdError('BAD_MODEL', 'a model is a folder holding model.json and networks/', { file: dir });
  const path = join(dir, MODEL_DESCRIPTION_FILE);
  if (!existsSync(path)) throw new OpenBmdError('BAD_MODEL', 'not an openbmd model folder (no model.json)', { file: dir });
  try {
    return readValidatedJson(path, modelDescriptionSchema, 'model description');
  } catch (thrown) {
    if (thrown instanceof OpenBmdError) throw new OpenBmdError('BAD_MODEL', thrown.message.replace(`${path}: `, ''), { file: path });
    throw thrown;
  }
}

/**
 * Loads a model folder and checks it against what the caller needs: the pipeline, every network's
 * presence, integrity and input shapes. Any mismatch is a BAD_MODEL error that names the file and
 * says what was expected (the CLI exits 2).
 */
export async function loadModelFolder(
  tf: Tf,
  dir: string,
  expect: ModelExpectation = {},
): Promise<{
  description: ModelDescription;
  networks: Record<string, tfTypes.LayersModel>;
  /** The weights of the networks loaded onto another's graph (`sharesGraphWith`), in that graph's weight order. */
  weightsOnGraph: Record<string, tfTypes.Tensor[]>;
}> {
  const description = readModelDescription(dir);
  const descriptionPath = join(dir, MODEL_DESCRIPTION_FILE);
  if (expect.pipeline !== undefined && description.pipeline !== expect.pipeline) {
    throw new OpenBmdError('BAD_MODEL', `this model is for the ${description.pipeline} pipeline, not ${expect.pipeline}`, { file: descriptionPath });
  }
  for (const name of Object.keys(expect.networks ?? {})) {
    if (description.networks[name] === undefined)
      throw new OpenBmdError(
        'BAD_MODEL',
        `the ${expect.pipeline ?? description.pipeline} pipeline needs a network '${name}', which this model lacks (it has: ${Object.keys(description.networks).join(', ') || 'none'})`,
        { file: descriptionPath },
      );
  }
  const networks: Record<string, tfTypes.LayersModel> = {};
  const architectures: Record<string, NetworkArchitecture> = {};
  const weightsOnGraph: Record<string, tfTypes.Tensor[]> = {};
  const disposeAll = (): void => {
    Object.values(networks).forEach((m) => m.dispose());
    Object.values(weightsOnGraph).forEach((ws) => ws.forEach((w) => w.dispose()));
  };
  const entries = Object.entries(description.networks).filter(([name]) => expect.onlyExpected !== true || expect.networks?.[name] !== undefined);
  try {
    // The graphs first, then the weights that go onto them.
    for (const [name, entry] of entries) {
      if (expect.networks?.[name]?.sharesGraphWith !== undefined) continue;
      const loaded = await loadNetworkWithArchitecture(tf, networkDir(dir, name), entry.weightsSha256);
      networks[name] = loaded.model;
      architectures[name] = loaded.architecture;
      const wanted = expect.networks?.[name]?.inputShapes;
      const actual = loaded.model.inputs.map((input) => input.shape.slice(1));
      if (wanted !== undefined && JSON.stringify(wanted) !== JSON.stringify(actual))
        throw new OpenBmdError('BAD_MODEL', `network '${name}' takes inputs ${JSON.stringify(actual)}, the pipeline gives ${JSON.stringify(wanted)}`, {
          file: join(networkDir(dir, name), 'model.json'),
        });
    }
    for (const [name, entry] of entries) {
      const graph = expect.networks?.[name]?.sharesGraphWith;
      if (graph === undefined) continue;
      const architecture = architectures[graph];
      if (architecture === undefined) throw new OpenBmdError('INTERNAL', `network '${name}' is to share the graph of '${graph}', which was not loaded`);
      weightsOnGraph[name] = loadWeightsForGraph(tf, networkDir(dir, name), entry.weightsSha256, architecture);
    }
  } catch (thrown) {
    disposeAll();
    throw thrown;
  }
  return { description, networks, weightsOnGraph };
}

/**
 * A pipeline's own parts of model.json (parameters, metrics) checked against its schemas: typed for
 * the pipeline, or BAD_MODEL naming model.json and the first field that is wrong.
 */
export function readModelParts<P, M>(
  description: ModelDescription,
  dir: string,
  schemas: { parameters: z.ZodType<P>; metrics: z.ZodType<M> },
): { parameters: P; metrics: M } {
  const file = join(dir, MODEL_DESCRIPTION_FILE);
  const read = <T>(part: 'parameters' | 'metrics', schema: z.ZodType<T>): T => {
    const parsed = schema.safeParse(description[part]);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new OpenBmdError(
      'BAD_MODEL',
      `${[part, ...(issue?.path ?? [])].join('.')} is not valid for the ${description.pipeline} pipeline: ${issue?.message ?? 'invalid'}`,
      { file },
    );
  };
  return { parameters: read('parameters', schemas.parameters), metrics: read('metrics', schemas.metrics) };
}
