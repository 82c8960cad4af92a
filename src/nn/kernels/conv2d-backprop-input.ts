import { tf } from '../tfjs-runtime.js';
import type * as tfTypes from '../tfjs-types.js';
import type { KernelConfig, TensorInfo, KernelBackend } from '../tfjs-types.js';
import { OpenBmdError } from '../../core/errors.js';
import { callKernel, hostTensor } from './kernel-calls.js';
import { flipFilter, spreadOnStrideGrid } from './transposed-conv-host.js';

interface InputGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tfTypes.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Conv2DBackpropInput composed from the backend's Conv2D, replacing tfjs-backend-wasm's own (4.22),
 * which is correct but about 10x slower than its forward convolution (it dominated training). The
 * input gradient is a stride-1 convolution of dy spread on the stride grid and padded by
 * (filter - 1 - forward padding), with the filter flipped and its channel axes swapped; spreading
 * and the flip run on the host, the convolution in XNNPACK.
 */
export function conv2dBackpropInputKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = attrs as unknown as InputGradAttrs;
      if (a.dataFormat === 'NCHW') throw new OpenBmdError('UNSUPPORTED', 'Conv2DBackpropInput: only NHWC data is supported');
      const filterShape = filter.shape as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
      const [n, height, width, cin] = a.inputShape;
      const [fh, fw, , cout] = filterShape;
      const [, oh, ow] = dy.shape as [number, number, number, number];
      const before = [fh - 1 - info.padInfo.top, fw - 1 - info.padInfo.left] as const;
      const size = [height + fh - 1, width + fw - 1] as const;
      const sh = info.strideHeight;
      const sw = info.strideWidth;
      const flipped = flipFilter(backend.readSync(filter.dataId) as Float32Array, [1, fh, fw], cin, cout);
      const filterInfo: TensorInfo = hostTensor(backend, flipped, [fh, fw, cout, cin]);
      if (sh === 1 && sw === 1) {
        // Stride 1: nothing to spread; the backend pads dy itself (no copy through the host).
        const pad = [
          [0, 0],
          [before[0], size[0] - oh - before[0]],
          [before[1], size[1] - ow - before[1]],
          [0, 0],
        ];
        const direct = callKernel(
          'Conv2D',
          backendName,
          backend,
          { x: dy, filter: filterInfo },
          { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] },
        );
        backend.disposeData(filterInfo.dataId);
        return direct;
      }
      const spread = spreadOnStrideGrid(
        backend.readSync(dy.dataId) as Float32Array,
        n,
        [1, oh, ow],
        cout,
        [0, before[0], before[1]],
        [1, sh, sw],
        [1, size[0], size[1]],
      );
      const spreadInfo = hostTensor(backend, spread, [n, size[0], size[1], cout]);
      const result = callKernel(
        'Conv2D',
        backendName,
        backend,
        { x: spreadInfo, filter: filterInfo },
        { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
      );
      backend.disposeData(spreadInfo.dataId);
      backend.disposeData(filterInfo.dataId);
      return result;
    },
  };
}
