import { tf } from '../tfjs-runtime.js';
import type { KernelFunc, NamedAttrMap, TensorInfo, KernelBackend } from '../tfjs-types.js';
import { OpenBmdError } from '../../core/errors.js';

/** Runs another kernel of the same backend directly (composed kernels are built from these). */
export function callKernel(
  name: string,
  backendName: string,
  backend: KernelBackend,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown>,
): TensorInfo {
  const kernel = tf.getKernel(name, backendName);
  if (kernel === undefined) throw new OpenBmdError('INTERNAL', `backend ${backendName} has no ${name} kernel to compose from`);
  return (kernel.kernelFunc as KernelFunc)({ inputs, backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

/** A float32 tensor of the backend holding values computed on the host. */
export function hostTensor(backend: KernelBackend, values: Float32Array, shape: number[]): TensorInfo {
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
}
