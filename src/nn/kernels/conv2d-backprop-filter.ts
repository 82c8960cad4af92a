import { tf } from '../tfjs-runtime.js';
import type * as tfTypes from '../tfjs-types.js';
import type { KernelConfig, TensorInfo, KernelBackend } from '../tfjs-types.js';
import { OpenBmdError } from '../../core/errors.js';
import { callKernel } from './kernel-calls.js';

interface FilterGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tfTypes.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * Conv2DBackpropFilter for a backend that lacks it (tfjs-backend-wasm), composed from its own
 * Pad, Slice, Transpose and Conv2D kernels. The filter gradient
 *   dW[a, b, ci, co] = sum over n, i, j of x[n, i*s + a - top, j*s + b - left, ci] * dy[n, i, j, co]
 * is a convolution of x (batch and channels swapped, cropped/padded to the rows the forward pass
 * read) with dy as the filter, dilated by the forward stride, stride 1, valid padding.
 */
export function conv2dBackpropFilterKernel(backendName: string): KernelConfig {
  const call = (name: string, inputs: Record<string, TensorInfo>, backend: KernelBackend, attrs: Record<string, unknown>): TensorInfo =>
    callKernel(name, backendName, backend, inputs, attrs);
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as FilterGradAttrs;
      if (a.dataFormat === 'NCHW') throw new OpenBmdError('UNSUPPORTED', 'Conv2DBackpropFilter: only NHWC data is supported');
      const xShape = x.shape as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(xShape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
      const [fh, fw] = a.filterShape;
      const [, outH, outW] = dy.shape as [number, number, number, number];
      const spanH = fh + (outH - 1) * info.strideHeight;
      const spanW = fw + (outW - 1) * info.strideWidth;
      const top = info.padInfo.top;
      const left = info.padInfo.left;
      const temporaries: TensorInfo[] = [];
      const keep = (t: TensorInfo): TensorInfo => {
        temporaries.push(t);
        return t;
      };
      // Rows -top .. -top + spanH - 1 of x (zeros outside), likewise columns.
      const padded = keep(
        call('PadV2', { x }, backend, {
          paddings: [
            [0, 0],
            [top, Math.max(0, spanH - top - xShape[1])],
            [left, Math.max(0, spanW - left - xShape[2])],
            [0, 0],
          ],
          constantValue: 0,
        }),
      );
      const window = keep(call('Slice', { x: padded }, backend, { begin: [0, 0, 0, 0], size: [xShape[0], spanH, spanW, xShape[3]] }));
      const xSwapped = keep(call('Transpose', { x: window }, backend, { perm: [3, 1, 2, 0] }));
      const dyAsFilter = keep(call('Transpose', { x: dy }, backend, { perm: [1, 2, 0, 3] }));
      const convolved = keep(
        call('Conv2D', { x: xSwapped, filter: dyAsFilter }, backend, {
          strides: [1, 1],
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: [info.strideHeight, info.strideWidth],
        }),
      );
      const result = call('Transpose', { x: convolved }, backend, { perm: [1, 2, 0, 3] });
      for (const t of temporaries) backend.disposeData(t.dataId);
      return result;
    },
  };
}
