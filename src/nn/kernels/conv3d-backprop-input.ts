import { tf } from '../tfjs-runtime.js';
import type { KernelConfig, TensorInfo, KernelBackend } from '../tfjs-types.js';
import { callKernel, hostTensor } from './kernel-calls.js';

interface InputGradAttrs {
  strides: [number, number, number] | number;
  pad: 'valid' | 'same';
  inputShape: [number, number, number, number, number];
}

/**
 * Conv3DBackpropInputV2 (also the forward pass of conv3dTranspose) composed from the backend's 2-D
 * input gradient, replacing tfjs-backend-wasm's own (4.22), whose input gradient disagrees with the
 * cpu backend by whole units on every shape (test/nn-kernel-conformance.test.ts). For each depth tap
 * t, output slice z sends the 2-D input gradient of its dy slice through W[t] to input slice
 * z*s + t - front. The taps are stacked on the input channels, so one Conv2DBackpropInput over the
 * n*outDepth dy slices gives every tap; the host adds them into their slices.
 */
export function conv3dBackpropInputKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'Conv3DBackpropInputV2',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = attrs as unknown as InputGradAttrs;
      const filterShape = filter.shape as [number, number, number, number, number];
      const info = tf.backend_util.computeConv3DInfo(a.inputShape, filterShape, a.strides, 1, a.pad);
      const [n, depth, height, width, cin] = a.inputShape;
      const [fd, fh, fw, , cout] = filterShape;
      const [, od, oh, ow] = dy.shape as [number, number, number, number, number];
      // Filter [fd, fh, fw, cin, cout] -> [fh, fw, fd * cin, cout].
      const w = backend.readSync(filter.dataId) as Float32Array;
      const stacked = new Float32Array(w.length);
      for (let t = 0; t < fd; t++) {
        for (let q = 0; q < fh * fw; q++) {
          for (let ci = 0; ci < cin; ci++) {
            const s = ((t * fh * fw + q) * cin + ci) * cout;
            const o = ((q * fd + t) * cin + ci) * cout;
            for (let co = 0; co < cout; co++) stacked[o + co] = w[s + co]!;
          }
        }
      }
      const filterInfo = hostTensor(backend, stacked, [fh, fw, fd * cin, cout]);
      const dySlices: TensorInfo = { dataId: dy.dataId, shape: [n * od, oh, ow, cout], dtype: 'float32' };
      const p = info.padInfo;
      const planar = callKernel(
        'Conv2DBackpropInput',
        backendName,
        backend,
        { dy: dySlices, filter: filterInfo },
        {
          strides: [info.strideHeight, info.strideWidth],
          pad: [
            [0, 0],
            [p.top, p.bottom],
            [p.left, p.right],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          inputShape: [n * od, height, width, fd * cin],
        },
      );
      backend.disposeData(filterInfo.dataId);
      const r = backend.readSync(planar.dataId) as Float32Array;
      backend.disposeData(planar.dataId);
      const plane = height * width;
      const dx = new Float32Array(n * depth * plane * cin);
      for (let b = 0; b < n; b++) {
        for (let z = 0; z < od; z++) {
          const from = (b * od + z) * plane * fd * cin;
          for (let t = 0; t < fd; t++) {
            const target = z * info.strideDepth + t - p.front;
            if (target < 0 || target >= depth) continue;
            const to = (b * depth + target) * plane * cin;
            for (let q = 0; q < plane; q++) {
              const s = from + q * fd * cin + t * cin;
              const o = to + q * cin;
              for (let ci = 0; ci < cin; ci++) dx[o + ci]! += r[s + ci]!;
            }
          }
        }
      }
      return hostTensor(backend, dx, [n, depth, height, width, cin]);
    },
  };
}
