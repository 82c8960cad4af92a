import type * as tfTypes from '@tensorflow/tfjs';
import { OpenBmdError } from '../core/errors.js';

type Tf = typeof tfTypes;
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

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017) for a model whose image branches end in a
 * GlobalAveragePooling2D: each branch's feature maps A weighted by the mean gradient of one output
 * over them, summed over channels and rectified. One sample (batch of 1). The layers after the
 * pooling are replayed on the feature maps so the gradient needs no second model; the ones before
 * run once, forward only.
 */
export function gradCam(tf: Tf, o: { model: tfTypes.LayersModel; inputs: tfTypes.Tensor[]; outputIndex: number }): ClassActivationMap[] {
  const pools = o.model.layers.filter((l) => l.getClassName() === 'GlobalAveragePooling2D');
  if (pools.length === 0) throw new OpenBmdError('INTERNAL', `model ${o.model.name} has no global average pooling to take a class-activation map from`);
  const featureInputs = pools.map((p) => p.inboundNodes[0]!.inputTensors[0]!);
  const featureModel = tf.model({ inputs: o.model.inputs, outputs: featureInputs });
  const features = tf.tidy(() => {
    const out = featureModel.predict(o.inputs);
    return Array.isArray(out) ? out : [out];
  });
  const modelInputIds = new Map(o.model.inputs.map((input, k) => [input.id, o.inputs[k]!]));
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
    return tf.slice(out, [0, o.outputIndex], [1, 1]).reshape([]) as tfTypes.Scalar;
  };
  try {
    return tf.tidy(() => {
      const gradients = tf.grads(head)(features);
      return pools.map((pool, k) => {
        const a = features[k]!;
        const [, rows, columns, channels] = a.shape as [number, number, number, number];
        const weights = tf.mean(gradients[k]!, [1, 2]).reshape([1, 1, 1, channels]);
        const cam = tf.relu(tf.sum(tf.mul(a, weights), -1)).reshape([rows * columns]);
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
