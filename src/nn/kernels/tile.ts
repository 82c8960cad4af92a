import type { KernelConfig, TensorInfo, KernelBackend } from '../tfjs-types.js';

/**
 * Tile on the host with block copies (TypedArray.set), replacing tfjs-backend-wasm's (4.22), which
 * took most of a training step: batch-normalisation gradients tile per-channel statistics to the
 * whole activation. Axes are expanded from the last to the first, each copying whole blocks.
 */
export function tileKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'Tile',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const { x } = inputs as { x: TensorInfo };
      const reps = (attrs as unknown as { reps: number[] }).reps;
      const shape = x.shape.slice();
      const values = backend.readSync(x.dataId) as Float32Array | Int32Array;
      const make = (n: number): Float32Array | Int32Array => (values instanceof Int32Array ? new Int32Array(n) : new Float32Array(n));
      let data = values;
      for (let axis = shape.length - 1; axis >= 0; axis--) {
        const r = reps[axis] ?? 1;
        if (r === 1) continue;
        let outer = 1;
        for (let i = 0; i < axis; i++) outer *= shape[i]!;
        const block = data.length / Math.max(1, outer);
        const next = make(data.length * r);
        for (let o = 0; o < outer; o++) {
          const src = data.subarray(o * block, (o + 1) * block);
          for (let k = 0; k < r; k++) next.set(src, (o * r + k) * block);
        }
        data = next;
        shape[axis] = shape[axis]! * r;
      }
      if (data === values) data = values.slice();
      return { dataId: backend.write(data, shape, x.dtype), shape, dtype: x.dtype };
    },
  };
}
