import { tf } from '../tfjs-runtime.js';
import type { KernelConfig, TensorInfo, KernelBackend } from '../tfjs-types.js';
import { callKernel, hostTensor } from './kernel-calls.js';

interface FilterGradAttrs {
  strides: [number, number, number] | number;
  pad: 'valid' | 'same';
  filterShape: [number, number, number, number, number];
}

/**
 * Conv3DBackpropFilterV2 composed from the backend's 2-D filter gradient, replacing
 * tfjs-backend-wasm's own (4.22), which is wrong for strides > 1 (test/nn-kernel-conformance.test.ts)
 * and, like its Conv3D, slow. The filter gradient
 *   dW[a, b, c, ci, co] = sum over n, z, i, j of xPadded[n, z*s + a, i*s + b, j*s + c, ci] * dy[n, z, i, j, co]
 * is, for each depth tap a, a 2-D filter gradient over the slices z*s + a - front. The host stacks
 * the taps on the input channels (slices outside the volume are zeros), so one Conv2DBackpropFilter
 * over the n*outDepth output slices gives every tap.
 */
export function conv3dBackpropFilterKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'Conv3DBackpropFilterV2',
    backendName,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as KernelBackend;
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as FilterGradAttrs;
      const xShape = x.shape as [number, number, number, number, number];
      const info = tf.backend_util.computeConv3DInfo(xShape, a.filterShape, a.strides, 1, a.pad);
      const [n, depth, height, width, cin] = xShape;
      const [fd, fh, fw, , cout] = a.filterShape;
      const [, od, oh, ow] = dy.shape as [number, number, number, number, number];
      const plane = height * width;
      // x slices as [n * od, height, width, fd * cin]: channel t * cin + ci holds slice z*s + t - front.
      const xv = backend.readSync(x.dataId) as Float32Array;
      const stacked = new Float32Array(n * od * plane * fd * cin);
      for (let b = 0; b < n; b++) {
        for (let z = 0; z < od; z++) {
          const target = (b * od + z) * plane * fd * cin;
          for (let t = 0; t < fd; t++) {
            const source = z * info.strideDepth + t - info.padInfo.front;
            if (source < 0 || source >= depth) continue;
            const from = (b * depth + source) * plane * cin;
            for (let p = 0; p < plane; p++) {
              const o = target + p * fd * cin + t * cin;
              const s = from + p * cin;
              for (let ci = 0; ci < cin; ci++) stacked[o + ci] = xv[s + ci]!;
            }
          }
        }
      }
      const stackedInfo = hostTensor(backend, stacked, [n * od, height, width, fd * cin]);
      const dySlices: TensorInfo = { dataId: dy.dataId, shape: [n * od, oh, ow, cout], dtype: 'float32' };
      const p = info.padInfo;
      const planar = callKernel(
        'Conv2DBackpropFilter',
        backendName,
        backend,
        { x: stackedInfo, dy: dySlices },
        {
          strides: [info.strideHeight, info.strideWidth],
          pad: [
            [0, 0],
            [p.top, p.bottom],
            [p.left, p.right],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          filterShape: [fh, fw, fd * cin, cout],
        },
      );
      backend.disposeData(stackedInfo.dataId);
      // [fh, fw, fd * cin, cout] -> [fd, fh, fw, cin, cout].
      const g2 = backend.readSync(planar.dataId) as Float32Array;
      backend.disposeData(planar.dataId);
      const out = new Float32Array(g2.length);
      for (let q = 0; q < fh * fw; q++) {
        for (let t = 0; t < fd; t++) {
          for (let ci = 0; ci < cin; ci++) {
            const s = ((q * fd + t) * cin + ci) * cout;
            const o = ((t * fh * fw + q) * cin + ci) * cout;
            for (let co = 0; co < cout; co++) out[o + co] = g2[s + co]!;
          }
        }
      }
      return hostTensor(backend, out, [fd, fh, fw, cin, cout]);
    },
  };
}
