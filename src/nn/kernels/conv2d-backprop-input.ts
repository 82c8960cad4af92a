import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { OpenBmdError } from '../../core/errors.js';
import { callKernel, hostTensor } from './kernel-calls.js';

interface InputGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
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
      const backend = anyBackend as tf.KernelBackend;
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
      const dyValues = backend.readSync(dy.dataId) as Float32Array;
      const spread = new Float32Array(n * size[0] * size[1] * cout);
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          const ty = before[0] + y * sh;
          if (ty < 0 || ty >= size[0]) continue;
          for (let x = 0; x < ow; x++) {
            const tx = before[1] + x * sw;
            if (tx < 0 || tx >= size[1]) continue;
            const from = ((b * oh + y) * ow + x) * cout;
            spread.set(dyValues.subarray(from, from + cout), ((b * size[0] + ty) * size[1] + tx) * cout);
          }
        }
      }
      const w = backend.readSync(filter.dataId) as Float32Array;
      const flipped = new Float32Array(w.length);
      for (let y = 0; y < fh; y++) {
        for (let x = 0; x < fw; x++) {
          const src = (y * fw + x) * cin * cout;
          const dst = ((fh - 1 - y) * fw + (fw - 1 - x)) * cout * cin;
          for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) flipped[dst + o * cin + i] = w[src + i * cout + o]!;
        }
      }
      const spreadInfo: TensorInfo = { dataId: backend.write(spread, [n, size[0], size[1], cout], 'float32'), shape: [n, size[0], size[1], cout], dtype: 'float32' };
      const filterInfo: TensorInfo = hostTensor(backend, flipped, [fh, fw, cout, cin]);
      const result = callKernel('Conv2D', backendName, backend, { x: spreadInfo, filter: filterInfo }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
      backend.disposeData(spreadInfo.dataId);
      backend.disposeData(filterInfo.dataId);
      return result;
    },
  };
}
