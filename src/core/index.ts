export * from './errors.js';
export * from './geometry.js';
export * from './image2d.js';
export * from './pixel-array.js';
export type * from './value-unit.js';
export * from './volume3d.js';
export * from './seeded-random.js';
export * from './package-paths.js';
export * from './read-validated-json.js';
