import type { Composition } from '../../physics/composition.js';
import { hounsfieldUnits } from '../../physics/ct-numbers.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';

/** Effective energies searched, keV: from an 70 kVp beam behind a child to a 150 kVp beam behind a large adult. */
export const ENERGY_SEARCH_KEV: readonly [number, number] = [35, 120];

export interface ThreeTissueReadings {
  /** Measured HU of each reference and its composition. */
  low: { hu: number; composition: Composition };
  middle: { hu: number; composition: Composition };
  high: { hu: number; composition: Composition };
}

export interface EffectiveEnergyFit {
  effectiveEnergyKeV: number;
  /** Stored HU = scale * true HU + offsetHu. */
  scale: number;
  offsetHu: number;
}

export type EffectiveEnergyFitResult = { ok: true; fit: EffectiveEnergyFit } | { ok: false; problem: string };

/**
 * The monoenergetic energy at which three tissues of known composition show the measured HU up to
 * the scanner's linear HU error: the ratio (high - middle) / (middle - low) is free of the scale and
 * offset, and with a low-Z middle tissue (fat) it changes monotonically with energy, because fat's
 * HU rises with energy while water-like tissue's stays near constant. Found by bisection; then scale
 * and offset follow from low and middle. A beam of many energies is not one energy, so this is the
 * energy that reproduces these tissues' contrast on this scan (the scanner's own beam-hardening
 * correction included), read off the image without a beam model.
 */
export function fitEffectiveEnergy(catalog: MaterialCatalog, readings: ThreeTissueReadings): EffectiveEnergyFitResult {
  const { low, middle, high } = readings;
  const measuredRatio = (high.hu - middle.hu) / (middle.hu - low.hu);
  if (!Number.isFinite(measuredRatio) || middle.hu - low.hu <= 0)
    return { ok: false, problem: `the reference tissues do not order as expected (${low.hu.toFixed(0)}, ${middle.hu.toFixed(0)}, ${high.hu.toFixed(0)} HU)` };
  const ratioAt = (e: number): number => {
    const l = hounsfieldUnits(catalog, low.composition, e);
    const m = hounsfieldUnits(catalog, middle.composition, e);
    const h = hounsfieldUnits(catalog, high.composition, e);
    return (h - m) / (m - l);
  };
  let lo = ENERGY_SEARCH_KEV[0];
  let hi = ENERGY_SEARCH_KEV[1];
  const ratioLo = ratioAt(lo);
  const ratioHi = ratioAt(hi);
  const falling = ratioLo > ratioHi;
  const inside = falling ? measuredRatio <= ratioLo && measuredRatio >= ratioHi : measuredRatio >= ratioLo && measuredRatio <= ratioHi;
  if (!inside)
    return {
      ok: false,
      problem: `the reference tissues' contrast (${measuredRatio.toFixed(3)}) matches no energy in ${ENERGY_SEARCH_KEV[0]}-${ENERGY_SEARCH_KEV[1]} keV (${ratioHi.toFixed(3)}-${ratioLo.toFixed(3)})`,
    };
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (ratioAt(mid) > measuredRatio === falling) lo = mid;
    else hi = mid;
  }
  const energy = (lo + hi) / 2;
  const expectedLow = hounsfieldUnits(catalog, low.composition, energy);
  const expectedMiddle = hounsfieldUnits(catalog, middle.composition, energy);
  const scale = (middle.hu - low.hu) / (expectedMiddle - expectedLow);
  return { ok: true, fit: { effectiveEnergyKeV: energy, scale, offsetHu: low.hu - scale * expectedLow } };
}
