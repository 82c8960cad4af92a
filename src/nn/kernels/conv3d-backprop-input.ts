import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, hostTensor } from './kernel-calls.js';
import { flipFilter, spreadOnStrideGrid } from './transposed-conv-host.js';

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
      const stride = [info.strideDepth, info.strideHeight, info.strideWidth] as const;
      const before = [fd - 1 - info.padInfo.front, fh - 1 - info.padInfo.top, fw - 1 - info.padInfo.left] as const;
      const size = [depth + fd - 1, height + fh - 1, width + fw - 1] as const;
      // Dilated, padded dy: element (z, y, x) of dy lands at before + stride * (z, y, x).
      const spread = spreadOnStrideGrid(backend.readSync(dy.dataId) as Float32Array, n, [od, oh, ow], cout, before, stride, size);
      const flipped = flipFilter(backend.readSync(filter.dataId) as Float32Array, [fd, fh, fw], cin, cout);
      const spreadInfo = hostTensor(backend, spread, [n, size[0], size[1], size[2], cout]);
      const filterInfo: TensorInfo = hostTensor(backend, flipped, [fd, fh, fw, cout, cin]);
      const result = callKernel('Conv3D', backendName, backend, { x: spreadInfo, filter: filterInfo }, { strides: [1, 1, 1], pad: 'valid', dataFormat: 'NDHWC', dilations: [1, 1, 1] });
      backend.disposeData(spreadInfo.dataId);
      backend.disposeData(filterInfo.dataId);
      return result;
    },
  };
}
