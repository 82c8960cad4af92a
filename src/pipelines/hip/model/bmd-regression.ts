import type * as tfTypes from '../../../nn/tfjs-types.js';
import type { TensorFlow } from '../../../nn/tfjs-runtime.js';
import { z } from 'zod';
import type { HipMeasure } from './pf-drr-bmd.js';
import { HIP_MEASURES } from './pf-drr-bmd.js';
import { regressionViews } from './field-shifts.js';
import { predictPfDrrs } from './predict-pf-drr.js';

const lineSchema = z.object({ slope: z.number(), intercept: z.number() });

/** The hip estimates a model can report (train hip --estimate). */
export const HIP_ESTIMATES = ['pf-drr-line', 'regression', 'mean'] as const;
export type HipEstimate = (typeof HIP_ESTIMATES)[number];

/** The reported estimate of each measure from the two: one of them, or their mean where both have it. */
export function reportedEstimates(
  which: HipEstimate,
  line: Partial<Record<HipMeasure, number>>,
  regression: Partial<Record<HipMeasure, number>> | undefined,
): Partial<Record<HipMeasure, number>> {
  if (which === 'pf-drr-line' || regression === undefined) return line;
  if (which === 'regression') return regression;
  const out: Partial<Record<HipMeasure, number>> = {};
  for (const m of HIP_MEASURES) {
    const a = line[m];
    const b = regression[m];
    if (a !== undefined && b !== undefined) out[m] = (a + b) / 2;
  }
  return out;
}

/**
 * Seed 001's stage three as a model folder keeps it: the regression network's outputs (one per
 * measure, trained on standardised values) and how to turn them back into units; a hospital's
 * recalibration adds a line per measure on top.
 */
export const bmdRegressionParametersSchema = z.object({
  measures: z.array(z.enum(HIP_MEASURES)).min(1),
  /** Training mean and standard deviation per measure: value = mean + sd x output. */
  mean: z.array(z.number()),
  sd: z.array(z.number().positive()),
  /** A recalibration's line per measure (value = intercept + slope x the network's value); absent: the network's value. */
  lines: z.record(z.string(), lineSchema).optional(),
  /** Which radiographs it was trained on, in words. */
  trainedOn: z.string(),
  /**
   * How many networks stage three has (an ensemble trained alike from different seeds; their mean is
   * its value). Models before 2026-12-07 have one.
   */
  members: z.number().int().positive().default(1),
  /**
   * Which estimate is reported: the PF-DRR lines (stage two), this network's (stage three), or the
   * mean of the two; the others are kept beside it in result.json.
   */
  reported: z.enum(HIP_ESTIMATES).default('pf-drr-line'),
});
export type BmdRegressionParameters = z.infer<typeof bmdRegressionParametersSchema>;

/**
 * Stage three's value of each measure for each normalised hip field, in the measure's units, before
 * any recalibration line: the mean of its networks' outputs (one, or an ensemble) over the field's
 * shifted views (field-shifts.ts), the same wherever stage three is read (analysis, training's
 * held-out check, recalibration).
 */
export function regressionNetworkValues(
  tf: TensorFlow,
  networks: readonly tfTypes.LayersModel[],
  p: BmdRegressionParameters,
  fields: readonly Float32Array[],
): Partial<Record<HipMeasure, number>>[] {
  const views = fields.map(regressionViews);
  const perField = views[0]?.length ?? 0;
  // Each network takes the field as the generator does; its output is one value per measure.
  const outputs = networks.map((network) => predictPfDrrs(tf, network, views.flat()));
  const count = perField * outputs.length;
  return fields.map((_, f) => {
    const values: Partial<Record<HipMeasure, number>> = {};
    p.measures.forEach((m, k) => {
      let sum = 0;
      for (const out of outputs) for (let v = 0; v < perField; v++) sum += out[f * perField + v]![k]!;
      values[m] = p.mean[k]! + p.sd[k]! * (sum / count);
    });
    return values;
  });
}

/** The reported estimates: the network's values through the recalibration lines where there are any. */
export function regressionEstimates(p: BmdRegressionParameters, values: Partial<Record<HipMeasure, number>>): Partial<Record<HipMeasure, number>> {
  const out: Partial<Record<HipMeasure, number>> = {};
  for (const m of p.measures) {
    const v = values[m];
    if (v === undefined) continue;
    const line = p.lines?.[m];
    out[m] = line === undefined ? v : line.intercept + line.slope * v;
  }
  return out;
}
