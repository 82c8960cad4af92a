import { tf } from '../tfjs-runtime.js';
import type { GradConfig, Tensor, Tensor5D } from '../tfjs-types.js';

interface TransposeAttrs {
  strides: [number, number, number] | number;
  pad: 'valid' | 'same';
}

/**
 * The gradient of Conv3DBackpropInputV2 (the forward pass of conv3dTranspose), which tfjs 4.22 does
 * not register, so a 3-D decoder could not train. dx = A(W) dy is linear in dy and in W; its adjoint
 * in dy is the convolution conv3d(ddx, W), and its derivative in W contracted with dy is the filter
 * gradient of that same convolution: Conv3DBackpropFilterV2(ddx, dy). The 2-D analogue is tfjs's own.
 */
export const conv3dTransposeGradient: GradConfig = {
  kernelName: 'Conv3DBackpropInputV2',
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx: Tensor | Tensor[], saved: Tensor[], attrs) => {
    const [dy, filter] = saved as [Tensor5D, Tensor5D];
    const a = attrs as unknown as TransposeAttrs;
    const gradient = ddx as Tensor5D;
    return {
      dy: () => tf.conv3d(gradient, filter, a.strides, a.pad),
      filter: () =>
        tf.engine().runKernel('Conv3DBackpropFilterV2', { x: gradient, dy }, { strides: a.strides, pad: a.pad, filterShape: filter.shape }) as Tensor,
    };
  },
};
