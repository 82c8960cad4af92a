import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier/flat';
import { readdirSync, statSync } from 'node:fs';

/**
 * The layers of DESIGN.md, lowest first: a file may import its own layer and those below it, never
 * one above. `run` holds the drivers (analyze, predict, train, demo) the CLI and the service share.
 */
const LAYERS = [
  ['core', 'types'],
  ['io', 'imaging', 'physics', 'stats', 'nn', 'clinical'],
  ['calibration', 'registration', 'simulate', 'evaluate', 'report'],
  ['pipelines'],
  ['run'],
  ['cli', 'service'],
];
const rank = Object.fromEntries(LAYERS.flatMap((names, r) => names.map((name) => [name, r])));
const layerZones = Object.keys(rank).flatMap((name) =>
  Object.keys(rank)
    .filter((other) => rank[other] > rank[name])
    .map((other) => ({ target: `./src/${name}/**`, from: `./src/${other}/**`, message: `${name} is below ${other} (DESIGN.md layers)` })),
);

/** A method may not know how its data was made: no simulator, and none of the simulator's acquisition code or profiles. */
const SIMULATOR = [
  './src/simulate/**',
  './src/physics/vendor-profile.ts',
  './src/physics/ct-scanner-profile.ts',
  './src/physics/ct-acquisition.ts',
  './src/physics/ct-effective-energy.ts',
  './src/physics/x-ray-spectrum.ts',
  './src/physics/polychromatic-beam.ts',
  './src/physics/ct-reconstruction/**',
  './src/physics/radiograph-exposure.ts',
  './src/physics/detector-processing.ts',
];
const methodZones = ['calibration', 'pipelines'].flatMap((name) =>
  SIMULATOR.map((from) => ({ target: `./src/${name}/**`, from, message: 'a method may not know how its data was made (the simulator and its profiles)' })),
);

/** Each pipeline folder shows only its index.ts to the rest of src/ (tests may reach inside). */
const siteFolders = readdirSync('src/pipelines').filter((name) => statSync(`src/pipelines/${name}`).isDirectory());
const outside = (site) => [
  ...readdirSync('src')
    .filter((name) => name !== 'pipelines' && statSync(`src/${name}`).isDirectory())
    .map((name) => `./src/${name}/**`),
  './src/pipelines/*.ts',
  ...siteFolders.filter((other) => other !== site).map((other) => `./src/pipelines/${other}/**`),
];
const pipelineZones = siteFolders.map((site) => ({
  target: outside(site),
  from: `./src/pipelines/${site}`,
  except: ['./index.ts'],
  message: `only src/pipelines/${site}/index.ts is the pipeline's public face`,
}));

/** The command line and the service reach pipelines through the drivers and the registry alone. */
const cliZones = ['cli', 'service'].map((name) => ({
  target: `./src/${name}/**`,
  from: './src/pipelines',
  except: ['./registry.ts', './pipeline.ts'],
  message: `the ${name === 'cli' ? 'CLI' : 'service'} talks to the registry and the drivers, not to a pipeline`,
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': ['error', { allow: ['error', 'warn'] }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...methodZones, ...pipelineZones, ...cliZones] }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
