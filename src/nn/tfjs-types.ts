// TensorFlow.js's types as openbmd uses them: core and layers only (tfjs-runtime.ts loads the same
// two packages). Not the `@tensorflow/tfjs` bundle's types: those declare the chained tensor methods
// (x.reshape(...)) that only that bundle installs, so code using them compiled and then failed.
export type * from '@tensorflow/tfjs-core';
export type * from '@tensorflow/tfjs-layers';
