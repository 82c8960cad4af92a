import type * as tfTypes from './tfjs-types.js';
import type { TensorFlow } from './tfjs-runtime.js';
import { OpenBmdError } from '../core/errors.js';

type Tf = TensorFlow;
type Layer = tfTypes.layers.Layer;
type SymbolicTensor = tfTypes.SymbolicTensor;

/** One branch's class-activation map: the branch's model input, and the map on its last feature grid, scaled to [0, 1]. */
export interface ClassActivationMap {
  inputName: string;
  rows: number;
  columns: number;
  /** Row-major; 0 where the feature map pushed the output down or not at all. */
  map: Float32Array;
  /** The largest unscaled value (0: the output did not depend on this branch's features here). */
  peak: number;
}

/** The model input a layer's first inbound path starts from (a branch's image input). */
function branchInputName(layer: Layer): string {
  let current: Layer = layer;
  for (let step = 0; step < 10_000; step++) {
    const node = current.inboundNodes[0];
    const from = node?.inboundLayers[0];
    if (from === undefined) return current.name;
    current = from;
  }
  throw new OpenBmdError('INTERNAL', `no input found behind layer ${layer.name}`);
}

/** A branch's feature maps as read out of a forward pass, [1, rows, columns, channels] row-major. */
export interface FeatureMaps {
  data: Float32Array;
  shape: [number, number, number, number];
}

/** The inputs of a model's GlobalAveragePooling2D layers: where Grad-CAM reads each branch's feature maps. */
function pooledFeatureTensors(model: tfTypes.LayersModel): { pools: Layer[]; features: SymbolicTensor[] } {
  const pools = model.layers.filter((l) => l.getClassName() === 'GlobalAveragePooling2D');
  if (pools.length === 0) throw new OpenBmdError('INTERNAL', `model ${model.name} has no global average pooling to take a class-activation map from`);
  return { pools, features: pools.map((p) => p.inboundNodes[0]!.inputTensors[0]!) };
}

/** Each model's `withFeatureOutputs` twin, built once: predict reads every study of a cohort through it. */
const featureOutputModels = new WeakMap<tfTypes.LayersModel, tfTypes.LayersModel>();

/**
 * The model with its pooled branches' feature maps as further outputs (the same layers and
 * weights): one forward pass gives the prediction (the model's first output, the same numbers)
 * and what Grad-CAM needs later.
 */
export function withFeatureOutputs(tf: Tf, model: tfTypes.LayersModel): tfTypes.LayersModel {
  let twin = featureOutputModels.get(model);
  if (twin === undefined) {
    twin = tf.model({ inputs: model.inputs, outputs: [model.outputs[0]!, ...pooledFeatureTensors(model).features] });
    featureOutputModels.set(model, twin);
  }
  return twin;
}

/** Splits the outputs of a `withFeatureOutputs` model (batch of 1): the prediction and each branch's feature maps. */
export function readFeatureOutputs(outputs: readonly tfTypes.Tensor[]): { prediction: Float32Array; features: FeatureMaps[] } {
  const [prediction, ...maps] = outputs;
  if (prediction === undefined) throw new OpenBmdError('INTERNAL', 'a model with feature outputs gave no prediction');
  return {
    prediction: prediction.dataSync() as Float32Array,
    features: maps.map((m) => ({ data: Float32Array.from(m.dataSync()), shape: m.shape as FeatureMaps['shape'] })),
  };
}

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017) for a model whose image branches end in a
 * GlobalAveragePooling2D: each branch's feature maps A weighted by the mean gradient of one output
 * over them, summed over channels and rectified. One sample (batch of 1). The layers after the
 * pooling are replayed on the feature maps so the gradient needs no second model; the ones before
 * run once, forward only, or not at all when the feature maps of the prediction's own pass are
 * given (`withFeatureOutputs`).
 */
export function gradCam(
  tf: Tf,
  o: { model: tfTypes.LayersModel; inputs: tfTypes.Tensor[]; outputIndex: number; features?: readonly FeatureMaps[] },
): ClassActivationMap[] {
  const { pools, features: featureInputs } = pooledFeatureTensors(o.model);
  const features =
    o.features === undefined
      ? tf.tidy(() => {
          const out = tf.model({ inputs: o.model.inputs, outputs: featureInputs }).predict(o.inputs);
          return Array.isArray(out) ? out : [out];
        })
      : o.features.map((f) => tf.tensor4d(f.data, f.shape));
  if (features.length !== pools.length)
    throw new OpenBmdError('INTERNAL', `model ${o.model.name}: ${features.length} feature maps for ${pools.length} branches`);
  // Only the inputs not behind a pooled branch (e.g. covariates): the branches' own layers are not replayed.
  const branchInputs = new Set(pools.map(branchInputName));
  const modelInputIds = new Map(
    o.model.inputs.flatMap((input, k) => (branchInputs.has(o.model.inputNames[k] ?? '') ? [] : [[input.id, o.inputs[k]!] as const])),
  );
  const outputTensor = o.model.outputs[0]!;
  const featureIds = new Set(featureInputs.map((t) => t.id));
  // The output as a function of the feature maps: every layer whose inputs are known, in the model's (topological) order.
  const head = (...maps: tfTypes.Tensor[]): tfTypes.Scalar => {
    const known = new Map<number, tfTypes.Tensor>();
    featureInputs.forEach((t, k) => known.set(t.id, maps[k]!));
    for (const [id, value] of modelInputIds) if (!featureIds.has(id)) known.set(id, value);
    for (const layer of o.model.layers) {
      const node = layer.inboundNodes[0];
      if (node === undefined || node.inputTensors.length === 0) continue;
      const outputs = node.outputTensors;
      if (outputs.every((t) => known.has(t.id))) continue;
      const ins = node.inputTensors.map((t: SymbolicTensor) => known.get(t.id));
      if (ins.some((t) => t === undefined)) continue;
      const value = layer.apply(ins.length === 1 ? ins[0]! : (ins as tfTypes.Tensor[]), { training: false });
      const values = Array.isArray(value) ? value : [value];
      outputs.forEach((t, k) => known.set(t.id, values[k] as tfTypes.Tensor));
    }
    const out = known.get(outputTensor.id);
    if (out === undefined) throw new OpenBmdError('INTERNAL', `model ${o.model.name}: the output does not follow from the pooled features`);
    return tf.reshape(tf.slice(out, [0, o.outputIndex], [1, 1]), []) as tfTypes.Scalar;
  };
  try {
    return tf.tidy(() => {
      const gradients = tf.grads(head)(features);
      return pools.map((pool, k) => {
        const a = features[k]!;
        const [, rows, columns, channels] = a.shape as [number, number, number, number];
        const weights = tf.reshape(tf.mean(gradients[k]!, [1, 2]), [1, 1, 1, channels]);
        const cam = tf.reshape(tf.relu(tf.sum(tf.mul(a, weights), -1)), [rows * columns]);
        const raw = cam.dataSync() as Float32Array;
        let peak = 0;
        for (const v of raw) if (v > peak) peak = v;
        const map = new Float32Array(raw.length);
        if (peak > 0) for (let i = 0; i < raw.length; i++) map[i] = raw[i]! / peak;
        return { inputName: branchInputName(pool), rows, columns, map, peak };
      });
    });
  } finally {
    tf.dispose(features);
  }
}
