import { createRequire } from 'node:module';
import type * as coreTypes from '@tensorflow/tfjs-core';
import type * as layersTypes from '@tensorflow/tfjs-layers';
import type * as wasmTypes from '@tensorflow/tfjs-backend-wasm';

// TensorFlow.js ships CommonJS bundles. Imported as ES modules, Node first scans each multi-megabyte
// bundle for its export names (about 0.3 s of every run's start); required, it does not.
const require = createRequire(import.meta.url);

/** The TensorFlow.js that openbmd uses: core (tensors, ops, gradients, io) and layers (networks). */
export type TensorFlow = typeof coreTypes & typeof layersTypes;

/**
 * TensorFlow.js core and layers, loaded once per process. Not the `@tensorflow/tfjs` bundle: it
 * also loads the converter, tf.data and the WebGL backend, none of which openbmd uses (0.1 s of
 * every start). The two packages share no export name (their typings both declare a `default`,
 * which neither bundle has, hence the cast).
 */
export const tf = { ...(require('@tensorflow/tfjs-core') as object), ...(require('@tensorflow/tfjs-layers') as object) } as TensorFlow;

/** The wasm backend's package (it registers the backend when loaded). */
export const tfWasm = require('@tensorflow/tfjs-backend-wasm') as typeof wasmTypes;

/** The pure-JS `cpu` backend (the reference the conformance tests compare with), registered when first asked for. */
export function loadCpuBackend(): void {
  require('@tensorflow/tfjs-backend-cpu');
}
