import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError, describeThrown } from '../../core/errors.js';

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

/**
 * Loads a network written by `saveNetworkFiles`. Missing files, a weights file whose SHA-256 differs
 * from the one recorded, or a topology TensorFlow.js cannot rebuild are BAD_MODEL errors naming the
 * file, never a crash deep inside tfjs.
 */
export async function loadNetworkFiles(tf: Tf, dir: string, expectedSha256: string): Promise<tfTypes.LayersModel> {
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
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  } catch (thrown) {
    throw new OpenBmdError('BAD_MODEL', `TensorFlow.js cannot rebuild this network: ${describeThrown(thrown)}`, { file: topologyPath });
  }
}
