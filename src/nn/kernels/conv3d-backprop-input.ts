import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, hostTensor } from './kernel-calls.js';

interface InputGradAttrs {
  strides: [number, number, number] | number;
  pad: 'valid' | 'same';
  inputShape: [number, number, number, number, number];
}

/**
 * Conv3DBackpropInputV2 composed from the backend's Conv3D, replacing tfjs-backend-wasm's own
 * (4.22), whose input gradient disagrees with the cpu backend by whole units on every shape (see
 * test/nn-kernel-conformance.test.ts). The input gradient is a stride-1 convolution of dy, dilated
 * by the forward stride and padded by (filter - 1 - forward padding), with the filter flipped in
 * space and its channel axes swapped. Dilation, padding and the flip are done on the host.
 */
export function conv3dBackpropInputKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'Conv3DBackpropInputV2',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as tf.KernelBackend;
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = attrs as unknown as InputGradAttrs;
      const filterShape = filter.shape as [number, number, number, number, number];
      const info = tf.backend_util.computeConv3DInfo(a.inputShape, filterShape, a.strides, 1, a.pad);
      const [n, depth, height, width, cin] = a.inputShape;
      const [fd, fh, fw, , cout] = filterShape;
      const [, od, oh, ow] = dy.shape as [number, number, number, number, number];
      const stride = [info.strideDepth, info.strideHeight, info.strideWidth];
      const before = [fd - 1 - info.padInfo.front, fh - 1 - info.padInfo.top, fw - 1 - info.padInfo.left];
      const size = [depth + fd - 1, height + fh - 1, width + fw - 1];
      // Dilated, padded dy: element (z, y, x) of dy lands at before + stride * (z, y, x).
      const dyValues = backend.readSync(dy.dataId) as Float32Array;
      const spread = new Float32Array(n * size[0]! * size[1]! * size[2]! * cout);
      for (let b = 0; b < n; b++) {
        for (let z = 0; z < od; z++) {
          const tz = before[0]! + z * stride[0]!;
          if (tz < 0 || tz >= size[0]!) continue;
          for (let y = 0; y < oh; y++) {
            const ty = before[1]! + y * stride[1]!;
            if (ty < 0 || ty >= size[1]!) continue;
            for (let x = 0; x < ow; x++) {
              const tx = before[2]! + x * stride[2]!;
              if (tx < 0 || tx >= size[2]!) continue;
              const from = ((((b * od + z) * oh + y) * ow + x) * cout);
              const to = ((((b * size[0]! + tz) * size[1]! + ty) * size[2]! + tx) * cout);
              for (let c = 0; c < cout; c++) spread[to + c] = dyValues[from + c]!;
            }
          }
        }
      }
      // Filter flipped in space, [fd, fh, fw, cin, cout] -> [fd, fh, fw, cout, cin].
      const w = backend.readSync(filter.dataId) as Float32Array;
      const flipped = new Float32Array(w.length);
      for (let z = 0; z < fd; z++) {
        for (let y = 0; y < fh; y++) {
          for (let x = 0; x < fw; x++) {
            const src = ((z * fh + y) * fw + x) * cin * cout;
            const dst = (((fd - 1 - z) * fh + (fh - 1 - y)) * fw + (fw - 1 - x)) * cout * cin;
            for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) flipped[dst + o * cin + i] = w[src + i * cout + o]!;
          }
        }
      }
      const spreadInfo: TensorInfo = { dataId: backend.write(spread, [n, size[0]!, size[1]!, size[2]!, cout], 'float32'), shape: [n, size[0]!, size[1]!, size[2]!, cout], dtype: 'float32' };
      const filterInfo: TensorInfo = hostTensor(backend, flipped, [fd, fh, fw, cout, cin]);
      const result = callKernel('Conv3D', backendName, backend, { x: spreadInfo, filter: filterInfo }, { strides: [1, 1, 1], pad: 'valid', dataFormat: 'NDHWC', dilations: [1, 1, 1] });
      backend.disposeData(spreadInfo.dataId);
      backend.disposeData(filterInfo.dataId);
      return result;
    },
  };
}
