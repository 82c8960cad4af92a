import type { CohortCase } from '../io/cohort/site-cohort.js';
import type { Site } from '../pipelines/registry.js';
import type { SimulateCohortOptions } from '../simulate/simulate-cohort.js';

/** How the demo shows one pipeline: the SIMULATED cohort it makes, and the case it analyses. */
export interface DemoPlan {
  /** What the cohort is, in words (with its size). */
  cohort: (n: number) => string;
  defaultN: number;
  /** The simulator's options beyond n, out and seed, and the same as command-line words (recorded as the cohort's generator). */
  simulate: { options: Partial<SimulateCohortOptions>; words: string[] };
  /**
   * How the demo gets its figures: `cross-validate` trains the calibration on the fresh cohort in
   * patient-grouped folds (reusing the shipped networks); `shipped` measures the fresh cohort with the
   * shipped model as it is, for a method whose calibration needs more persons than a demo makes.
   */
  figures: 'cross-validate' | 'shipped';
  /** The pipeline's own train options for the demo (a short run where its default is long). */
  train: Record<string, unknown>;
  /** Which case `analyze` is shown on (its index). */
  pickCase: (cases: readonly CohortCase[]) => number;
}

/** One plan per site: a site added without one does not compile. */
export const DEMO_PLANS = {
  forearm: {
    cohort: (n) => `${n} SIMULATED forearm radiographs with a step wedge`,
    defaultN: 100,
    simulate: { options: {}, words: [] },
    figures: 'cross-validate',
    train: {},
    pickCase: () => 0,
  },
  lumbar: {
    cohort: (n) => `${n} SIMULATED adults' lumbar AP and lateral radiographs`,
    defaultN: 40,
    simulate: { options: {}, words: [] },
    // The shipped locators find L1-L4; the BMD networks are trained here, briefly, on AP + lateral only.
    figures: 'cross-validate',
    train: { variants: 'ap+lat', epochs: '1,12' },
    pickCase: () => 0,
  },
  'ct-spine': {
    cohort: (n) => `${n} SIMULATED low-dose CT series (512 x 512 x 100, 2.5 mm; rods under half of them)`,
    defaultN: 16,
    simulate: { options: { ctSlices: 100, sliceMm: 2.5 }, words: ['--ct-slices', '100', '--slice-mm', '2.5'] },
    figures: 'cross-validate',
    train: {},
    pickCase: (cases) =>
      Math.max(
        0,
        cases.findIndex((c) => c.phantom !== undefined),
      ),
  },
  hip: {
    cohort: (n) => `${n} SIMULATED persons' AP pelvis radiographs in four poses (with their CT, not used here)`,
    defaultN: 8,
    simulate: { options: {}, words: [] },
    // The shipped model measures the fresh persons as it is: its regression network was trained on 150
    // persons and its lines fitted on 50 others; refitting on a demo's 8 in folds of 2 measures the refit.
    figures: 'shipped',
    train: {},
    pickCase: () => 0,
  },
} as const satisfies Record<Site, DemoPlan>;
