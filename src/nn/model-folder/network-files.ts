import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import type { NetworkArchitecture } from './network-architecture.js';
import { sameArchitecture } from './network-architecture.js';

type Tf = TensorFlow;

/** TensorFlow.js layers-format file names (loadable by tfjs's own loaders as well). */
export const TOPOLOGY_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes a layers model as TensorFlow.js layers format (model.json + weights.bin); returns the weights' SHA-256. */
export async function saveNetworkFiles(tf: Tf, model: tfTypes.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  let digest = '';
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const bytes = new Uint8Array(weightData);
      writeFileSync(join(dir, WEIGHTS_FILE), bytes);
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, TOPOLOGY_FILE), JSON.stringify(json));
      digest = sha256(bytes);
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } });
    }),
  );
  return digest;
}

/** A network folder's files read and checked: the weights against their recorded SHA-256, the topology as JSON with a weights manifest. */
function readNetworkFolder(dir: string, expectedSha256: string): { architecture: NetworkArchitecture; weightData: ArrayBuffer; topologyPath: string } {
  const topologyPath = join(dir, TOPOLOGY_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  for (const path of [topologyPath, weightsPath]) if (!existsSync(path)) throw new OpenBmdError('BAD_MODEL', 'network file is missing', { file: path });
  const weights = readFileSync(weightsPath);
  if (sha256(weights) !== expectedSha256)
    throw new OpenBmdError('BAD_MODEL', 'network weights are damaged or were replaced (SHA-256 differs from the model description)', { file: weightsPath });
  let json: { modelTopology?: unknown; weightsManifest?: { weights?: tfTypes.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(readFileSync(topologyPath, 'utf8')) as typeof json;
  } catch (thrown) {
    throw new OpenBmdError('BAD_MODEL', `network topology is not readable JSON: ${describeThrown(thrown)}`, { file: topologyPath });
  }
  const weightSpecs = json.weightsManifest?.flatMap((group) => group.weights ?? []);
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null || weightSpecs === undefined)
    throw new OpenBmdError('BAD_MODEL', 'network topology lacks modelTopology or weightsManifest', { file: topologyPath });
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return { architecture: { modelTopology: json.modelTopology, weightSpecs }, weightData, topologyPath };
}

/** A loaded network and the architecture it was built from (for networks whose weights share its graph). */
export interface LoadedNetwork {
  model: tfTypes.LayersModel;
  architecture: NetworkArchitecture;
}

/**
 * Loads a network written by `saveNetworkFiles`. Missing files, a weights file whose SHA-256 differs
 * from the one recorded, or a topology TensorFlow.js cannot rebuild are BAD_MODEL errors naming the
 * file, never a crash deep inside tfjs.
 */
export async function loadNetworkFiles(tf: Tf, dir: string, expectedSha256: string): Promise<tfTypes.LayersModel> {
  return (await loadNetworkWithArchitecture(tf, dir, expectedSha256)).model;
}

/** loadNetworkFiles, with the architecture read from the folder. */
export async function loadNetworkWithArchitecture(tf: Tf, dir: string, expectedSha256: string): Promise<LoadedNetwork> {
  const { architecture, weightData, topologyPath } = readNetworkFolder(dir, expectedSha256);
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: architecture.modelTopology, weightSpecs: architecture.weightSpecs, weightData }));
    return { model, architecture };
  } catch (thrown) {
    throw new OpenBmdError('BAD_MODEL', `TensorFlow.js cannot rebuild this network: ${describeThrown(thrown)}`, { file: topologyPath });
  }
}

/**
 * The weights of a saved network whose architecture is `graph`'s (sameArchitecture), as tensors in
 * the graph's weight order, for `setWeights` on the graph already built: building a DenseNet's
 * graph again for each network of an ensemble took 30-60 ms apiece. A different architecture is a
 * BAD_MODEL error naming the file.
 */
export function loadWeightsForGraph(tf: Tf, dir: string, expectedSha256: string, graph: NetworkArchitecture): tfTypes.Tensor[] {
  const { architecture, weightData, topologyPath } = readNetworkFolder(dir, expectedSha256);
  if (!sameArchitecture(graph, architecture))
    throw new OpenBmdError('BAD_MODEL', 'this network is not the architecture of the ensemble it belongs to (its layers or weights differ)', {
      file: topologyPath,
    });
  const byName = tf.io.decodeWeights(weightData, architecture.weightSpecs);
  return architecture.weightSpecs.map((spec) => byName[spec.name]!);
}
