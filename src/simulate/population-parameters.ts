import { z } from 'zod';
import { packageDataPath } from '../core/package-paths.js';
import { readValidatedJson } from '../core/read-validated-json.js';

const linear = z.object({ at50: z.number(), perYear: z.number() });
const bySexNormal = z.object({ mean: z.number(), sd: z.number().positive() });
const ageRange = z.object({ mean: z.number(), sd: z.number().positive(), min: z.number(), max: z.number(), source: z.string() });
const curve = z.object({ ages: z.array(z.number()).min(2), female: z.array(z.number()), male: z.array(z.number()) });

const schema = z.object({
  description: z.string(),
  sources: z.record(z.string(), z.string()),
  adult: z.object({
    ageYears: ageRange,
    ctAgeYears: ageRange,
    femaleShare: z.object({ lumbar: z.number(), hip: z.number(), 'ct-spine': z.number(), source: z.string() }),
    heightCm: z.object({ female: bySexNormal, male: bySexNormal, lossPerYearAfter50: z.number(), source: z.string() }),
    bmi: z.object({ female: bySexNormal, male: bySexNormal, min: z.number(), max: z.number(), source: z.string() }),
    tScore: z.object({
      lumbar: z.object({ female: linear, male: linear, sd: z.number().positive() }),
      totalHip: z.object({ female: linear, male: linear, sd: z.number().positive() }),
      femoralNeckOffset: z.number(),
      source: z.string(),
    }),
    spineVbmdMgPerCm3: z.object({
      female: z.object({ at40: z.number(), perYearTo55: z.number(), perYearAfter55: z.number() }),
      male: z.object({ at40: z.number(), perYearTo55: z.number(), perYearAfter55: z.number() }),
      sd: z.number().positive(),
      min: z.number(),
      source: z.string(),
    }),
    hipVbmdMgPerCm3: z.object({ youngMean: z.number(), sdPerTScore: z.number(), min: z.number(), source: z.string() }),
    correlation: z.object({ order: z.array(z.string()).length(5), matrix: z.array(z.array(z.number()).length(5)).length(5), source: z.string() }),
  }),
  child: z.object({
    ageYears: z.object({ min: z.number(), max: z.number(), source: z.string() }),
    maleShare: z.number(),
    heightCm: curve.extend({ relativeSd: z.number(), source: z.string() }),
    bmi: z.object({ ages: z.array(z.number()), median: z.array(z.number()), logSd: z.number(), source: z.string() }),
    distalRadiusAbmdGPerCm2: curve.extend({ relativeSd: z.number(), source: z.string() }),
  }),
});

export type PopulationParameters = z.infer<typeof schema>;

let cached: PopulationParameters | undefined;

/** data/simulate/population.json: every parameter of the simulated populations, with its source. */
export function loadPopulationParameters(): PopulationParameters {
  cached ??= readValidatedJson(packageDataPath('simulate', 'population.json'), schema, 'population parameters');
  return cached;
}

/** Piecewise-linear interpolation in a table, clamped at its ends. */
export function interpolateTable(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]!) return ys[0]!;
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]!) {
      const t = (x - xs[i - 1]!) / (xs[i]! - xs[i - 1]!);
      return ys[i - 1]! + t * (ys[i]! - ys[i - 1]!);
    }
  }
  return ys[ys.length - 1]!;
}
