import { tf } from '../tfjs-runtime.js';
import type * as tfTypes from '../tfjs-types.js';
import type { KernelConfig, TensorInfo, KernelBackend } from '../tfjs-types.js';
import { hostTensor } from './kernel-calls.js';

interface PoolGradAttrs {
  filterSize: number | number[];
  strides: number | number[];
  pad: 'valid' | 'same' | number | tfTypes.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Window geometry of a 2-D or 3-D pooling, as depth x height x width (depth 1 in 2-D). */
interface Window {
  n: number;
  channels: number;
  size: [number, number, number];
  out: [number, number, number];
  filter: [number, number, number];
  stride: [number, number, number];
  start: [number, number, number];
}

/**
 * Max-pooling gradient on the host: each output's gradient goes to the first position holding the
 * window's maximum (the cpu backend's rule). Replaces tfjs-backend-wasm's MaxPoolGrad and
 * MaxPool3DGrad (4.22), which drop the gradient of some windows on random inputs
 * (test/nn-kernel-conformance.test.ts).
 */
function maxPoolGrad(x: Float32Array, dy: Float32Array, w: Window): Float32Array {
  const dx = new Float32Array(x.length);
  const [d, h, wd] = w.size;
  const [od, oh, ow] = w.out;
  const c = w.channels;
  for (let b = 0; b < w.n; b++) {
    for (let z = 0; z < od; z++) {
      for (let y = 0; y < oh; y++) {
        for (let xx = 0; xx < ow; xx++) {
          for (let ch = 0; ch < c; ch++) {
            let best = -Infinity;
            let at = -1;
            for (let fz = 0; fz < w.filter[0]; fz++) {
              const iz = w.start[0] + z * w.stride[0] + fz;
              if (iz < 0 || iz >= d) continue;
              for (let fy = 0; fy < w.filter[1]; fy++) {
                const iy = w.start[1] + y * w.stride[1] + fy;
                if (iy < 0 || iy >= h) continue;
                for (let fx = 0; fx < w.filter[2]; fx++) {
                  const ix = w.start[2] + xx * w.stride[2] + fx;
                  if (ix < 0 || ix >= wd) continue;
                  const p = (((b * d + iz) * h + iy) * wd + ix) * c + ch;
                  if (x[p]! > best) {
                    best = x[p]!;
                    at = p;
                  }
                }
              }
            }
            if (at >= 0) dx[at] = dx[at]! + dy[(((b * od + z) * oh + y) * ow + xx) * c + ch]!;
          }
        }
      }
    }
  }
  return dx;
}

export function maxPoolGradKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
      const a = attrs as unknown as PoolGradAttrs;
      const shape = input.shape as [number, number, number, number];
      const info = tf.backend_util.computePool2DInfo(shape, a.filterSize as [number, number], a.strides as [number, number], 1, a.pad, a.dimRoundingMode);
      const window: Window = {
        n: shape[0],
        channels: shape[3],
        size: [1, shape[1], shape[2]],
        out: [1, info.outHeight, info.outWidth],
        filter: [1, info.filterHeight, info.filterWidth],
        stride: [1, info.strideHeight, info.strideWidth],
        start: [0, -info.padInfo.top, -info.padInfo.left],
      };
      const dx = maxPoolGrad(backend.readSync(input.dataId) as Float32Array, backend.readSync(dy.dataId) as Float32Array, window);
      return hostTensor(backend, dx, shape);
    },
  };
}

export function maxPool3dGradKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'MaxPool3DGrad',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
      const a = attrs as unknown as PoolGradAttrs;
      const shape = input.shape as [number, number, number, number, number];
      const info = tf.backend_util.computePool3DInfo(
        shape,
        a.filterSize as [number, number, number],
        a.strides as [number, number, number],
        1,
        a.pad as 'valid' | 'same' | number,
        a.dimRoundingMode,
      );
      const window: Window = {
        n: shape[0],
        channels: shape[4],
        size: [shape[1], shape[2], shape[3]],
        out: [info.outDepth, info.outHeight, info.outWidth],
        filter: [info.filterDepth, info.filterHeight, info.filterWidth],
        stride: [info.strideDepth, info.strideHeight, info.strideWidth],
        start: [-info.padInfo.front, -info.padInfo.top, -info.padInfo.left],
      };
      const dx = maxPoolGrad(backend.readSync(input.dataId) as Float32Array, backend.readSync(dy.dataId) as Float32Array, window);
      return hostTensor(backend, dx, shape);
    },
  };
}
