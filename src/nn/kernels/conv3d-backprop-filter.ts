import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, hostTensor } from './kernel-calls.js';

interface FilterGradAttrs {
  strides: [number, number, number] | number;
  pad: 'valid' | 'same';
  filterShape: [number, number, number, number, number];
}

/**
 * Conv3DBackpropFilterV2 composed from the backend's Conv3D, replacing tfjs-backend-wasm's own
 * (4.22), which is wrong for strides > 1 (test/nn-kernel-conformance.test.ts). The filter gradient
 *   dW[a, b, c, ci, co] = sum over n, z, y, x of xPadded[n, z*s + a, y*s + b, x*s + c, ci] * dy[n, z, y, x, co]
 * is a stride-1 convolution of x (channels as batch, batch as channels) with dy spread on the
 * stride grid (zeros between) as the filter. The spreading, windowing and transposes run on the host.
 */
export function conv3dBackpropFilterKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'Conv3DBackpropFilterV2',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as tf.KernelBackend;
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as FilterGradAttrs;
      const xShape = x.shape as [number, number, number, number, number];
      const info = tf.backend_util.computeConv3DInfo(xShape, a.filterShape, a.strides, 1, a.pad);
      const [n, depth, height, width, cin] = xShape;
      const [fd, fh, fw, , cout] = a.filterShape;
      const [, od, oh, ow] = dy.shape as [number, number, number, number, number];
      const s = [info.strideDepth, info.strideHeight, info.strideWidth] as const;
      const start = [-info.padInfo.front, -info.padInfo.top, -info.padInfo.left] as const;
      const span = [fd + (od - 1) * s[0], fh + (oh - 1) * s[1], fw + (ow - 1) * s[2]] as const;
      // x window as [cin, span..., n] (zeros outside the input).
      const xv = backend.readSync(x.dataId) as Float32Array;
      const window = new Float32Array(cin * span[0] * span[1] * span[2] * n);
      for (let b = 0; b < n; b++) {
        for (let z = 0; z < span[0]; z++) {
          const sz = start[0] + z;
          if (sz < 0 || sz >= depth) continue;
          for (let y = 0; y < span[1]; y++) {
            const sy = start[1] + y;
            if (sy < 0 || sy >= height) continue;
            for (let xx = 0; xx < span[2]; xx++) {
              const sx = start[2] + xx;
              if (sx < 0 || sx >= width) continue;
              const from = (((b * depth + sz) * height + sy) * width + sx) * cin;
              for (let c = 0; c < cin; c++) window[((((c * span[0] + z) * span[1] + y) * span[2] + xx) * n) + b] = xv[from + c]!;
            }
          }
        }
      }
      // dy spread on the stride grid as a filter [dd, dh, dw, n, cout].
      const dd = (od - 1) * s[0] + 1;
      const dh = (oh - 1) * s[1] + 1;
      const dw = (ow - 1) * s[2] + 1;
      const dyv = backend.readSync(dy.dataId) as Float32Array;
      const spread = new Float32Array(dd * dh * dw * n * cout);
      for (let b = 0; b < n; b++) {
        for (let z = 0; z < od; z++) {
          for (let y = 0; y < oh; y++) {
            for (let xx = 0; xx < ow; xx++) {
              const from = (((b * od + z) * oh + y) * ow + xx) * cout;
              const to = ((((z * s[0]) * dh + y * s[1]) * dw + xx * s[2]) * n + b) * cout;
              for (let c = 0; c < cout; c++) spread[to + c] = dyv[from + c]!;
            }
          }
        }
      }
      const windowInfo: TensorInfo = { dataId: backend.write(window, [cin, span[0], span[1], span[2], n], 'float32'), shape: [cin, span[0], span[1], span[2], n], dtype: 'float32' };
      const spreadInfo: TensorInfo = hostTensor(backend, spread, [dd, dh, dw, n, cout]);
      const convolved = callKernel('Conv3D', backendName, backend, { x: windowInfo, filter: spreadInfo }, { strides: [1, 1, 1], pad: 'valid', dataFormat: 'NDHWC', dilations: [1, 1, 1] });
      // [cin, fd, fh, fw, cout] -> [fd, fh, fw, cin, cout].
      const cv = backend.readSync(convolved.dataId) as Float32Array;
      const out = new Float32Array(cv.length);
      const taps = fd * fh * fw;
      for (let c = 0; c < cin; c++) for (let t = 0; t < taps; t++) for (let o = 0; o < cout; o++) out[(t * cin + c) * cout + o] = cv[(c * taps + t) * cout + o]!;
      for (const t of [windowInfo, spreadInfo, convolved]) backend.disposeData(t.dataId);
      return hostTensor(backend, out, [fd, fh, fw, cin, cout]);
    },
  };
}
