import { createRequire } from 'node:module';
import type * as tfTypes from '@tensorflow/tfjs';
import type * as wasmTypes from '@tensorflow/tfjs-backend-wasm';

// TensorFlow.js ships CommonJS bundles. Imported as ES modules, Node first scans each multi-megabyte
// bundle for its export names (about 0.3 s of every run's start); required, it does not.
const require = createRequire(import.meta.url);

/** TensorFlow.js (core, layers and its backends), loaded once per process. */
export const tf = require('@tensorflow/tfjs') as typeof tfTypes;

/** The wasm backend's package (it registers the backend when loaded). */
export const tfWasm = require('@tensorflow/tfjs-backend-wasm') as typeof wasmTypes;
