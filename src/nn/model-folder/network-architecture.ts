import type * as tfTypes from '../tfjs-types.js';

/** A saved network's architecture: its Keras-style topology and the order, shapes and types of its weights. */
export interface NetworkArchitecture {
  modelTopology: object;
  weightSpecs: tfTypes.io.WeightsManifestEntry[];
}

/** The layer names of a topology (and the model's own name): TensorFlow.js numbers them per process, so two builds of one architecture differ in them alone. */
function topologyNames(topology: object): string[] {
  const config = (topology as { config?: { name?: unknown; layers?: { name?: unknown }[] } }).config;
  const names = (config?.layers ?? []).map((layer) => layer.name).filter((n): n is string => typeof n === 'string');
  return typeof config?.name === 'string' ? [config.name, ...names] : names;
}

/** Configuration that shapes training alone (how weights start, a dropout's draws): ensemble members differ in it by their seeds. */
function trainingOnly(key: string): boolean {
  return key.endsWith('_initializer') || key === 'seed';
}

const canonicalOf = new WeakMap<object, string>();

/**
 * The topology with every name replaced by its place (the model, then the layers in order) and the
 * training-only configuration left out: equal for two builds of one architecture. An ensemble's
 * graph is compared with each member: its form is worked out once.
 */
function canonicalTopology(topology: object): string {
  const known = canonicalOf.get(topology);
  if (known !== undefined) return known;
  const canonical = canonicalForm(topology);
  canonicalOf.set(topology, canonical);
  return canonical;
}

function canonicalForm(topology: object): string {
  const place = new Map(topologyNames(topology).map((name, index) => [name, `#${index}`]));
  return JSON.stringify(topology, (key, value: unknown) => (trainingOnly(key) ? undefined : typeof value === 'string' ? (place.get(value) ?? value) : value));
}

/**
 * Whether two saved networks are one architecture: the same layers with the same configurations and
 * connections, names and initializers aside, and the same weights in the same order with the same
 * shapes and types.
 * Their weights are then interchangeable, position by position, on one built graph.
 */
export function sameArchitecture(a: NetworkArchitecture, b: NetworkArchitecture): boolean {
  if (a.weightSpecs.length !== b.weightSpecs.length) return false;
  const sameWeights = a.weightSpecs.every((spec, i) => {
    const other = b.weightSpecs[i]!;
    return (
      spec.dtype === other.dtype &&
      JSON.stringify(spec.shape) === JSON.stringify(other.shape) &&
      spec.quantization === undefined &&
      other.quantization === undefined
    );
  });
  return sameWeights && canonicalTopology(a.modelTopology) === canonicalTopology(b.modelTopology);
}
