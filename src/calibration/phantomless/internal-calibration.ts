import type { Volume3D } from '../../core/volume3d.js';
import { hounsfieldUnits, hydroxyapatiteHuPerMgPerCm3 } from '../../physics/ct-numbers.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import { fitEffectiveEnergy } from './effective-energy-fit.js';
import { sampleReferenceTissues } from './reference-tissue-samples.js';
import { CALIBRATED_SCANNER, REFERENCE_AIR, REFERENCE_FAT, REFERENCE_MUSCLE, REFERENCE_SD_HU, REFERENCE_WATER } from './reference-tissues.js';

/** Fewest samples of each reference tissue for a calibration (about 2 cm2 of muscle over the slices read). */
const MIN_SAMPLES = 1000;
/** A scanner's HU scale is set on water and air at installation and checked daily; beyond this range the references, not the scanner, are wrong. */
const SCALE_RANGE: readonly [number, number] = [0.8, 1.25];
/**
 * The fit's penalised sum of squares is chi-square with 2 degrees of freedom (3 readings and 2 prior
 * terms for 3 unknowns) when the references and the scanner are as assumed; above its 99th
 * percentile the references are atypical for this patient or the scanner is off (a QC flag).
 */
const ATYPICAL_CHI_SQUARE = 9.21;

export interface InternalCalibration {
  method: 'phantomless-air-fat-muscle';
  airHu: number;
  fatHu: number;
  muscleHu: number;
  /** The references' HU at the fitted effective energy (NIST attenuation of their published composition). */
  expectedAirHu: number;
  expectedFatHu: number;
  expectedMuscleHu: number;
  /** Stored = scale * true + offset, solved from the references. */
  scale: number;
  offsetHu: number;
  /** The energy at which the references' contrast matches the image (fitted, not assumed from kVp). */
  effectiveEnergyKeV: number;
  /** HU per mg/cm3 of hydroxyapatite in water at that energy. */
  slopeHuPerMg: number;
  /**
   * The hydroxyapatite a marrow of pure fat seems to lack at that energy, (HU water - HU fat) /
   * slopeHuPerMg: single-energy QCT reads marrow fat as missing mineral, this much per unit fat
   * fraction. It falls with the energy less steeply than the mineral's contrast, so it depends on
   * the beam.
   */
  fatMineralEquivalentMgPerCm3: number;
  /** Diameter of a circle of the body's mean cross-section, cm (AAPM Report 204's effective diameter; for the record). */
  effectiveDiameterCm: number;
  /** The tube voltage the series states, when it does (checked against the fitted energy, not used by the fit). */
  kVp: number | null;
  sliceRange: [number, number];
  /** Why the references look atypical (a QC flag, not a refusal), or null. */
  atypical: string | null;
}

export type InternalCalibrationResult = { ok: true; calibration: InternalCalibration } | { ok: false; problem: string };

export interface InternalCalibrationOptions {
  catalog: MaterialCatalog;
  volume: Volume3D;
  /** Slices to read the references in (those of the measured levels, with a margin). */
  sliceRange: [number, number];
  kVp?: number | undefined;
}

/**
 * Phantomless internal calibration from three tissues in every abdominal CT: air outside the body,
 * fat, and the paraspinal muscles. Their published composition fixes their attenuation at any
 * energy; the energy at which their measured HU match best, with the scanner's HU scale and
 * offset held near a calibrated scanner's, follows from the image alone (after Michalski et al.,
 * Med Eng Phys 2020, who fitted the energy to five tissues). The HU of a mg/cm3 of hydroxyapatite
 * at that energy converts the cancellous HU to mineral. Nothing is assumed about the scanner's beam
 * or filtration.
 */
export function internalCalibration(o: InternalCalibrationOptions): InternalCalibrationResult {
  const { catalog, volume, sliceRange } = o;
  const samples = sampleReferenceTissues(volume, sliceRange);
  if (samples.counts.air < MIN_SAMPLES) return { ok: false, problem: 'too little air in the field for a phantomless calibration' };
  if (samples.counts.fat < MIN_SAMPLES) return { ok: false, problem: 'too little fat in the field for a phantomless calibration' };
  if (samples.counts.muscle < MIN_SAMPLES || Number.isNaN(samples.muscleHu))
    return { ok: false, problem: 'too little paraspinal muscle behind the spine for a phantomless calibration' };
  const fitted = fitEffectiveEnergy(catalog, {
    readings: [
      { name: 'air', hu: samples.airHu, composition: REFERENCE_AIR, sdHu: REFERENCE_SD_HU.air },
      { name: 'fat', hu: samples.fatHu, composition: REFERENCE_FAT, sdHu: REFERENCE_SD_HU.fat },
      { name: 'muscle', hu: samples.muscleHu, composition: REFERENCE_MUSCLE, sdHu: REFERENCE_SD_HU.muscle },
    ],
    prior: CALIBRATED_SCANNER,
  });
  const readings = `air ${samples.airHu.toFixed(0)} HU, fat ${samples.fatHu.toFixed(0)} HU, muscle ${samples.muscleHu.toFixed(0)} HU`;
  if (!fitted.ok) return { ok: false, problem: `${readings}: ${fitted.problem}` };
  const { effectiveEnergyKeV: energy, scale, offsetHu } = fitted.fit;
  if (!(scale > SCALE_RANGE[0] && scale < SCALE_RANGE[1]))
    return { ok: false, problem: `${readings} imply an HU scale of ${scale.toFixed(3)}, outside ${SCALE_RANGE[0]}-${SCALE_RANGE[1]}` };
  const kVp = o.kVp ?? null;
  if (kVp !== null && energy >= kVp)
    return { ok: false, problem: `${readings} imply an effective energy of ${energy.toFixed(0)} keV, above the stated ${kVp} kVp` };
  const waterHu = hounsfieldUnits(catalog, REFERENCE_WATER, energy);
  const atypical =
    fitted.fit.cost <= ATYPICAL_CHI_SQUARE
      ? null
      : `no energy explains the references on a calibrated scanner (chi-square ${fitted.fit.cost.toFixed(1)} on 2 df): ${fitted.fit.residuals
          .map((r) => `${r.name} ${r.measuredHu.toFixed(0)} HU against ${r.expectedHu.toFixed(0)} (${r.zScore >= 0 ? '+' : ''}${r.zScore.toFixed(1)} sd)`)
          .join(', ')}, HU scale ${scale.toFixed(3)}, offset ${offsetHu.toFixed(1)} HU`;
  const expectedFatHu = hounsfieldUnits(catalog, REFERENCE_FAT, energy);
  const slopeHuPerMg = hydroxyapatiteHuPerMgPerCm3(catalog, energy);
  return {
    ok: true,
    calibration: {
      method: 'phantomless-air-fat-muscle',
      airHu: samples.airHu,
      fatHu: samples.fatHu,
      muscleHu: samples.muscleHu,
      expectedAirHu: hounsfieldUnits(catalog, REFERENCE_AIR, energy),
      expectedFatHu,
      expectedMuscleHu: hounsfieldUnits(catalog, REFERENCE_MUSCLE, energy),
      scale,
      offsetHu,
      effectiveEnergyKeV: energy,
      slopeHuPerMg,
      fatMineralEquivalentMgPerCm3: (waterHu - expectedFatHu) / slopeHuPerMg,
      effectiveDiameterCm: 2 * Math.sqrt(samples.bodyAreaCm2 / Math.PI),
      kVp,
      sliceRange,
      atypical,
    },
  };
}

/** mg/cm3 of hydroxyapatite from a cancellous mean HU under the internal calibration (marrow taken as water-equivalent, as QCT does). */
export function internalCalibrationMgPerCm3(c: InternalCalibration, meanHu: number): number {
  const trueHu = (meanHu - c.offsetHu) / c.scale;
  return trueHu / c.slopeHuPerMg;
}
