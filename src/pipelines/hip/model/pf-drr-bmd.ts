import { z } from 'zod';
import { OpenBmdError } from '../../../core/errors.js';
import { linearFit } from '../../../stats/linear-fit.js';
import { HIP_FIELD } from '../radiograph/hip-field.js';

/** What the hip pipeline reports from a PF-DRR, each by its own linear fit (seed 001). */
export const HIP_MEASURES = ['femneck_abmd', 'tothip_abmd', 'hip_vbmd'] as const;
export type HipMeasure = (typeof HIP_MEASURES)[number];

/** The thresholds tried (g/cm2): seed 001 tunes the one whose mean best follows BMD on the training folds. */
const THRESHOLDS_G_PER_CM2 = Array.from({ length: 16 }, (_, k) => 0.05 * (k + 1));

/** A PF-DRR read as seed 001 reads it: the mean of the pixels above the threshold, and how much of the field they cover. */
export interface PfDrrFeature {
  meanGPerCm2: number;
  areaMm2: number;
}

export function pfDrrFeature(pfDrr: Float32Array, thresholdGPerCm2: number): PfDrrFeature {
  let sum = 0;
  let n = 0;
  for (const v of pfDrr) {
    if (v > thresholdGPerCm2) {
      sum += v;
      n++;
    }
  }
  return { meanGPerCm2: n === 0 ? 0 : sum / n, areaMm2: n * HIP_FIELD.pixelMm * HIP_FIELD.pixelMm };
}

const lineSchema = z.object({ slope: z.number(), intercept: z.number(), r: z.number(), n: z.number().int().positive(), seeUnits: z.number() });

export const hipBmdCalibrationSchema = z.object({
  thresholdGPerCm2: z.number().nonnegative(),
  /** value = intercept + slope x PF-DRR mean; r and n on the radiographs it was fitted on. */
  fits: z.object({ femneck_abmd: lineSchema.optional(), tothip_abmd: lineSchema.optional(), hip_vbmd: lineSchema.optional() }),
  /** The range of the PF-DRR's area and mean on the fitting radiographs; far outside it the decomposition is flagged. */
  seen: z.object({ areaMm2: z.tuple([z.number(), z.number()]), meanGPerCm2: z.tuple([z.number(), z.number()]) }),
  /** Which radiographs it was fitted on, in words. */
  fittedOn: z.string(),
});
export type HipBmdCalibration = z.infer<typeof hipBmdCalibrationSchema>;

export interface CalibrationSample {
  pfDrr: Float32Array;
  truth: Partial<Record<HipMeasure, number>>;
}

function pearsonR(x: readonly number[], y: readonly number[]): number {
  const fit = linearFit(x, y);
  return Math.sign(fit.slope) * Math.sqrt(Math.max(0, fit.r2));
}

/**
 * Seed 001's BMD from a PF-DRR: the threshold whose above-threshold mean correlates best with the
 * first measure the samples have (femoral-neck aBMD where known), then a least-squares line per
 * measure. The samples should be PF-DRRs the generator made for radiographs it did not train on.
 */
export function fitHipBmdCalibration(o: { samples: readonly CalibrationSample[]; fittedOn: string }): HipBmdCalibration {
  const lead = HIP_MEASURES.find((m) => o.samples.filter((s) => s.truth[m] !== undefined).length >= 3);
  if (lead === undefined) throw new OpenBmdError('EMPTY_INPUT', 'the BMD fit needs at least 3 radiographs with femneck_abmd, tothip_abmd or hip_vbmd');
  const withLead = o.samples.filter((s) => s.truth[lead] !== undefined);
  let threshold = THRESHOLDS_G_PER_CM2[0]!;
  let bestR = -Infinity;
  for (const t of THRESHOLDS_G_PER_CM2) {
    const x = withLead.map((s) => pfDrrFeature(s.pfDrr, t).meanGPerCm2);
    const r = pearsonR(
      x,
      withLead.map((s) => s.truth[lead]!),
    );
    if (Number.isFinite(r) && r > bestR) {
      bestR = r;
      threshold = t;
    }
  }
  const features = o.samples.map((s) => pfDrrFeature(s.pfDrr, threshold));
  const fits: HipBmdCalibration['fits'] = {};
  for (const m of HIP_MEASURES) {
    const pairs = o.samples.flatMap((s, k) => (s.truth[m] === undefined ? [] : [[features[k]!.meanGPerCm2, s.truth[m]] as const]));
    if (pairs.length < 3) continue;
    const fit = linearFit(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
    if (!Number.isFinite(fit.slope)) continue;
    fits[m] = { slope: fit.slope, intercept: fit.intercept, r: Math.sign(fit.slope) * Math.sqrt(fit.r2), n: fit.n, seeUnits: fit.see };
  }
  const areas = features.map((f) => f.areaMm2);
  const means = features.map((f) => f.meanGPerCm2);
  return {
    thresholdGPerCm2: threshold,
    fits,
    seen: { areaMm2: [Math.min(...areas), Math.max(...areas)], meanGPerCm2: [Math.min(...means), Math.max(...means)] },
    fittedOn: o.fittedOn,
  };
}

/** The calibration's estimate of each measure it has a fit for. */
export function hipBmdFromFeature(c: HipBmdCalibration, feature: PfDrrFeature): Partial<Record<HipMeasure, number>> {
  const out: Partial<Record<HipMeasure, number>> = {};
  for (const m of HIP_MEASURES) {
    const fit = c.fits[m];
    if (fit !== undefined) out[m] = fit.intercept + fit.slope * feature.meanGPerCm2;
  }
  return out;
}

/**
 * Whether a decomposition looks like the ones the fit was made on: its above-threshold area within
 * half to 1.5 times the range seen, its mean within 30 % of it. Seed 001 notes implausible
 * decompositions on images unlike its training set (implants, other anatomy).
 */
export function implausibleDecomposition(c: HipBmdCalibration, feature: PfDrrFeature): string | undefined {
  const [a0, a1] = c.seen.areaMm2;
  const [m0, m1] = c.seen.meanGPerCm2;
  if (feature.areaMm2 < a0 / 2 || feature.areaMm2 > a1 * 1.5)
    return `the decomposed proximal femur covers ${feature.areaMm2.toFixed(0)} mm2 (the calibration radiographs: ${a0.toFixed(0)}-${a1.toFixed(0)} mm2)`;
  if (feature.meanGPerCm2 < m0 * 0.7 || feature.meanGPerCm2 > m1 * 1.3)
    return `the decomposed proximal femur's mean is ${feature.meanGPerCm2.toFixed(3)} g/cm2 (the calibration radiographs: ${m0.toFixed(3)}-${m1.toFixed(3)})`;
  return undefined;
}
