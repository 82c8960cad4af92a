import { tf } from '../tfjs-runtime.js';
import type * as tfTypes from '../tfjs-types.js';
import type { KernelConfig, TensorInfo, KernelBackend } from '../tfjs-types.js';
import { hostTensor } from './kernel-calls.js';

interface SplitVAttrs {
  numOrSizeSplits: number[] | number;
  axis: number | number[];
}

/**
 * SplitV as contiguous host copies, replacing tfjs-backend-wasm's own (4.22), which takes about 0.6 s
 * to split a 2x24x48x56x24 gradient along its channels: the gradient of every concatenation (U-Net
 * skips) goes through it, and it dominated a 3-D U-Net's training step.
 */
export function splitVKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'SplitV',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const { x } = inputs as { x: TensorInfo };
      const a = attrs as unknown as SplitVAttrs;
      const rank = x.shape.length;
      const axisGiven = Array.isArray(a.axis) ? a.axis[0]! : a.axis;
      const axis = axisGiven < 0 ? axisGiven + rank : axisGiven;
      const sizes = tf.backend_util.prepareSplitSize(x as unknown as tfTypes.Tensor, a.numOrSizeSplits, axis);
      const outer = x.shape.slice(0, axis).reduce((p, s) => p * s, 1);
      const inner = x.shape.slice(axis + 1).reduce((p, s) => p * s, 1);
      const along = x.shape[axis]!;
      const values = backend.readSync(x.dataId) as Float32Array;
      let offset = 0;
      return sizes.map((size) => {
        const out = new Float32Array(outer * size * inner);
        const chunk = size * inner;
        for (let o = 0; o < outer; o++) out.set(values.subarray((o * along + offset) * inner, (o * along + offset) * inner + chunk), o * chunk);
        offset += size;
        const shape = [...x.shape];
        shape[axis] = size;
        return hostTensor(backend, out, shape);
      });
    },
  };
}
