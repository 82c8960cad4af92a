import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadCpuBackend, tf, tfWasm } from './tfjs-runtime.js';
import { OpenBmdError, describeThrown } from '../core/errors.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d-backprop-input.js';
import { conv3dBackpropFilterKernel } from './kernels/conv3d-backprop-filter.js';
import { conv3dBackpropInputKernel } from './kernels/conv3d-backprop-input.js';
import { conv3dKernel } from './kernels/conv3d-via-conv2d.js';
import { conv3dTransposeGradient } from './kernels/conv3d-transpose-gradient.js';
import { maxPool3dGradKernel, maxPoolGradKernel } from './kernels/max-pool-grad.js';
import { leadingAxesReductionKernel } from './kernels/leading-axes-reduction.js';
import { tileKernel } from './kernels/tile.js';
import { splitVKernel } from './kernels/split-v.js';

/** Gradient kernels the wasm backend lacks, registered from its own kernels. */
const MISSING_WASM_KERNELS = [conv2dBackpropFilterKernel];
/** Wasm kernels that disagree with the cpu reference, or are far slower than they need be (Conv3D 25x, SplitV; tfjs-backend-wasm 4.22), replaced. */
const REPLACED_WASM_KERNELS = [
  conv3dKernel,
  conv2dBackpropInputKernel,
  conv3dBackpropInputKernel,
  conv3dBackpropFilterKernel,
  maxPoolGradKernel,
  maxPool3dGradKernel,
  tileKernel,
  splitVKernel,
];

let configured = false;

/** Once per process: quiet production mode, the wasm binaries from the installed package (never downloaded), the missing kernels. */
function configure(): void {
  if (configured) return;
  configured = true;
  tf.env().set('PROD', true);
  // tfjs has no gradient for a 3-D transposed convolution; the 3-D U-Net decoder needs one.
  if (tf.getGradient(conv3dTransposeGradient.kernelName) === undefined) tf.registerGradient(conv3dTransposeGradient);
  const require = createRequire(import.meta.url);
  tfWasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  for (const make of MISSING_WASM_KERNELS) {
    const config = make('wasm');
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
  for (const make of REPLACED_WASM_KERNELS) {
    const config = make('wasm');
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  for (const kernelName of ['Sum', 'Mean'] as const) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (original === undefined) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(leadingAxesReductionKernel('wasm', { kernelName, original }));
  }
}

/**
 * TensorFlow.js on the wasm backend (SIMD build), or on the pure-JS `cpu` reference backend that
 * the conformance tests compare against. The first call starts the backend.
 */
export async function nnBackend(backend: 'wasm' | 'cpu' = 'wasm'): Promise<typeof tf> {
  configure();
  if (backend === 'cpu') loadCpuBackend();
  if (tf.getBackend() === backend) return tf;
  const started = await tf.setBackend(backend).catch((thrown: unknown) => {
    throw new OpenBmdError('INTERNAL', `TensorFlow.js backend '${backend}' failed to start: ${describeThrown(thrown)}`);
  });
  if (!started) throw new OpenBmdError('INTERNAL', `TensorFlow.js backend '${backend}' failed to start`);
  return tf;
}
