export * from './bmd-categories.js';
export * from './bmd-scores.js';
export * from './clinical-knowledge.js';
export * from './clinical-rules.js';
export * from './interpret-measurement.js';
export * from './measurement-columns.js';
export * from './reference-table.js';
