import type { Composition } from '../../physics/composition.js';
import { hounsfieldUnits } from '../../physics/ct-numbers.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';

/** Effective energies searched, keV: from a 70 kVp beam behind a child to a 150 kVp beam behind a large adult. */
export const ENERGY_SEARCH_KEV: readonly [number, number] = [35, 120];
const ENERGY_STEP_KEV = 0.1;

/** One reference tissue: its measured HU, its composition, and how far a patient's may stray from that composition's HU. */
export interface ReferenceReading {
  name: string;
  hu: number;
  composition: Composition;
  /** Between-patient spread of this tissue's HU about its reference composition's (1 sd, HU). */
  sdHu: number;
}

/** What is known of the scanner before the image is read: its HU scale and water offset, each about its ideal (1 and 0). */
export interface ScannerPrior {
  scaleSd: number;
  offsetSdHu: number;
}

export interface ReferenceResidual {
  name: string;
  measuredHu: number;
  /** The reference's HU at the fitted energy, through the fitted scale and offset. */
  expectedHu: number;
  /** (measured - expected) / sdHu. */
  zScore: number;
}

export interface EffectiveEnergyFit {
  effectiveEnergyKeV: number;
  /** Stored HU = scale * true HU + offsetHu. */
  scale: number;
  offsetHu: number;
  residuals: ReferenceResidual[];
  /** The penalised sum of squares at the fit (references' z-scores and the scanner prior's). */
  cost: number;
}

export type EffectiveEnergyFitResult = { ok: true; fit: EffectiveEnergyFit } | { ok: false; problem: string };

/**
 * The monoenergetic energy, HU scale and offset that best explain the measured HU of tissues of
 * known composition, as a penalised least-squares fit: each reference's residual weighed by its
 * between-patient spread, and the scale and offset held near a calibrated scanner's by the prior.
 * At each energy on a 0.1 keV grid the scale and offset are the closed-form solution of the 2x2
 * normal equations; the energy is the grid point of least cost. The prior matters because a
 * reference tissue can stray in a way that mimics energy: muscle infiltrated by fat reads like
 * muscle at a higher energy under a lower offset. A beam of many energies is not one energy, so
 * this is the energy that reproduces these tissues' contrast on this scan (the scanner's own beam
 * hardening correction included), read off the image without a beam model.
 */
export function fitEffectiveEnergy(catalog: MaterialCatalog, o: { readings: readonly ReferenceReading[]; prior: ScannerPrior }): EffectiveEnergyFitResult {
  const { readings, prior } = o;
  if (readings.length < 2) return { ok: false, problem: 'an energy fit needs at least two reference tissues' };
  const bad = readings.find((r) => !Number.isFinite(r.hu));
  if (bad !== undefined) return { ok: false, problem: `no reading of ${bad.name}` };
  let best: { energy: number; scale: number; offset: number; cost: number; trueHu: number[] } | null = null;
  const steps = Math.round((ENERGY_SEARCH_KEV[1] - ENERGY_SEARCH_KEV[0]) / ENERGY_STEP_KEV);
  for (let step = 0; step <= steps; step++) {
    const energy = ENERGY_SEARCH_KEV[0] + step * ENERGY_STEP_KEV;
    const trueHu = readings.map((r) => hounsfieldUnits(catalog, r.composition, energy));
    const { scale, offset } = penalisedLine(trueHu, readings, prior);
    let cost = ((scale - 1) / prior.scaleSd) ** 2 + (offset / prior.offsetSdHu) ** 2;
    readings.forEach((r, i) => (cost += ((r.hu - scale * trueHu[i]! - offset) / r.sdHu) ** 2));
    if (best === null || cost < best.cost) best = { energy, scale, offset, cost, trueHu };
  }
  const fit = best!;
  if (fit.energy <= ENERGY_SEARCH_KEV[0] || fit.energy >= ENERGY_SEARCH_KEV[1])
    return { ok: false, problem: `the reference tissues' contrast matches no energy inside ${ENERGY_SEARCH_KEV[0]}-${ENERGY_SEARCH_KEV[1]} keV` };
  return {
    ok: true,
    fit: {
      effectiveEnergyKeV: fit.energy,
      scale: fit.scale,
      offsetHu: fit.offset,
      cost: fit.cost,
      residuals: readings.map((r, i) => {
        const expectedHu = fit.scale * fit.trueHu[i]! + fit.offset;
        return { name: r.name, measuredHu: r.hu, expectedHu, zScore: (r.hu - expectedHu) / r.sdHu };
      }),
    },
  };
}

/** Scale and offset minimising sum ((hu - scale x - offset) / sd)^2 + ((scale - 1) / scaleSd)^2 + (offset / offsetSd)^2. */
function penalisedLine(trueHu: readonly number[], readings: readonly ReferenceReading[], prior: ScannerPrior): { scale: number; offset: number } {
  let sxx = 1 / prior.scaleSd ** 2;
  let sx = 0;
  let s1 = 1 / prior.offsetSdHu ** 2;
  let sxy = 1 / prior.scaleSd ** 2;
  let sy = 0;
  readings.forEach((r, i) => {
    const w = 1 / r.sdHu ** 2;
    const x = trueHu[i]!;
    sxx += w * x * x;
    sx += w * x;
    s1 += w;
    sxy += w * x * r.hu;
    sy += w * r.hu;
  });
  const det = sxx * s1 - sx * sx;
  return { scale: (sxy * s1 - sy * sx) / det, offset: (sxx * sy - sx * sxy) / det };
}
