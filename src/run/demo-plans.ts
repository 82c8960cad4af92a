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
    train: {},
    pickCase: () => 0,
  },
  lumbar: {
    cohort: (n) => `${n} SIMULATED adults' lumbar AP and lateral radiographs`,
    defaultN: 40,
    simulate: { options: {}, words: [] },
    // The shipped locators find L1-L4; the BMD networks are trained here, briefly, on AP + lateral only.
    train: { variants: 'ap+lat', epochs: '1,12' },
    pickCase: () => 0,
  },
  'ct-spine': {
    cohort: (n) => `${n} SIMULATED low-dose CT series (512 x 512 x 100, 2.5 mm; rods under half of them)`,
    defaultN: 16,
    simulate: { options: { ctSlices: 100, sliceMm: 2.5 }, words: ['--ct-slices', '100', '--slice-mm', '2.5'] },
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
    // The shipped generator decomposes each radiograph; the BMD lines are refitted and cross-validated here.
    train: {},
    pickCase: () => 0,
  },
} as const satisfies Record<Site, DemoPlan>;
