import { nnBackend } from '../nn/nn-backend.js';
import type { ModelDescription } from '../nn/model-folder/model-description.js';
import { loadModelFolder } from '../nn/model-folder/model-folder.js';

/** What `openbmd inspect-model` reports after loading every network of the folder. */
export interface ModelFolderReport {
  folder: string;
  name: string;
  pipeline: string;
  version: string;
  createdAt: string;
  command: string;
  trainingData: ModelDescription['trainingData'];
  networks: { name: string; architecture: string; parameters: number; inputShapes: (number | null)[][]; outputShapes: (number | null)[][] }[];
  parameters: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

/** Loads and verifies a model folder (integrity, topology, pipeline) and describes it. */
export async function inspectModelFolder(folder: string, pipeline: string | undefined): Promise<ModelFolderReport> {
  const tf = await nnBackend('wasm');
  const { description, networks } = await loadModelFolder(tf, folder, pipeline === undefined ? {} : { pipeline });
  const report: ModelFolderReport = {
    folder,
    name: description.name,
    pipeline: description.pipeline,
    version: description.version,
    createdAt: description.createdAt,
    command: description.command,
    trainingData: description.trainingData,
    networks: Object.entries(networks).map(([name, model]) => ({
      name,
      architecture: description.networks[name]!.spec.architecture,
      parameters: model.countParams(),
      inputShapes: model.inputs.map((i) => i.shape.slice(1)),
      outputShapes: model.outputs.map((o) => o.shape.slice(1)),
    })),
    parameters: description.parameters,
    metrics: description.metrics,
  };
  Object.values(networks).forEach((m) => m.dispose());
  return report;
}

export function formatModelReport(r: ModelFolderReport): string {
  const simulated = r.trainingData.simulated === true ? ' (SIMULATED)' : r.trainingData.simulated === null ? ' (provenance not stated)' : '';
  const lines = [
    `${r.name}: openbmd model for the ${r.pipeline} pipeline (openbmd ${r.version}, ${r.createdAt})`,
    `  trained on: ${r.trainingData.cohort}, ${r.trainingData.cases} cases${simulated}`,
    `  command: ${r.command}`,
    ...r.networks.map(
      (n) => `  network ${n.name}: ${n.architecture}, ${n.parameters} parameters, inputs ${JSON.stringify(n.inputShapes)} -> ${JSON.stringify(n.outputShapes)}`,
    ),
  ];
  if (Object.keys(r.metrics).length > 0) lines.push(`  metrics: ${JSON.stringify(r.metrics)}`);
  lines.push('  every network loaded; weights match their recorded SHA-256');
  return lines.join('\n');
}
