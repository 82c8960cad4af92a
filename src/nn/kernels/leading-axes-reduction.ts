import type { KernelConfig, KernelFunc, TensorInfo, KernelBackend } from '../tfjs-types.js';
import { callKernel, hostTensor } from './kernel-calls.js';

/** Which reduction, and the backend's own kernel that handles every case this one does not. */
export interface ReductionReplacement {
  kernelName: 'Sum' | 'Mean';
  original: KernelConfig;
}

/** The reduced axes when they are a leading prefix [0, k) with k < rank, else undefined. */
export function leadingPrefixLength(axis: number | number[], rank: number): number | undefined {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank) return undefined;
  return axes.every((a, i) => a === i) ? axes.length : undefined;
}

/**
 * Sum or Mean over leading axes as one average pooling (XNNPACK) whose window is the whole of them, replacing
 * the tfjs-backend-wasm (4.22) path, which transposes the whole tensor first: batch-normalisation
 * statistics and their gradients reduce NHWC activations over N, H and W, and took a quarter of a
 * DenseNet training step. Other reductions go to the backend's own kernel.
 */
export function leadingAxesReductionKernel(backendName: string, replacement: ReductionReplacement): KernelConfig {
  const fallback = replacement.original.kernelFunc as KernelFunc;
  return {
    kernelName: replacement.kernelName,
    backendName,
    // The wasm kernel binds its C function in its set-up; keep that, it is the fallback.
    ...(replacement.original.setupFunc === undefined ? {} : { setupFunc: replacement.original.setupFunc }),
    kernelFunc: (args) => {
      const backend = args.backend as KernelBackend;
      const { x } = args.inputs as { x: TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
      const prefix = leadingPrefixLength(axis, x.shape.length);
      if (prefix === undefined || x.dtype !== 'float32') return fallback(args);
      const outer = x.shape.slice(0, prefix).reduce((a, b) => a * b, 1);
      const inner = x.shape.slice(prefix).reduce((a, b) => a * b, 1);
      if (outer === 0 || inner === 0) return fallback(args);
      // [outer, inner] seen as a 1 x outer x 1 image with inner channels: one pooling window covers it all.
      const image: TensorInfo = { dataId: x.dataId, shape: [1, outer, 1, inner], dtype: 'float32' };
      const pooled = callKernel('AvgPool', backendName, backend, { x: image }, { filterSize: [outer, 1], strides: [1, 1], pad: 'valid' });
      const means = backend.readSync(pooled.dataId) as Float32Array;
      backend.disposeData(pooled.dataId);
      const reduced = replacement.kernelName === 'Mean' ? means.slice() : means.map((v) => v * outer);
      const shape = keepDims ? [...x.shape.slice(0, prefix).map(() => 1), ...x.shape.slice(prefix)] : x.shape.slice(prefix);
      return hostTensor(backend, reduced, shape);
    },
  };
}
