import type { Volume3D } from '../../core/volume3d.js';
import { mineralised } from '../../physics/composition.js';
import { hounsfieldUnits } from '../../physics/ct-numbers.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import { fitEffectiveEnergy } from './effective-energy-fit.js';
import { sampleReferenceTissues } from './reference-tissue-samples.js';
import { REFERENCE_AIR, REFERENCE_FAT, REFERENCE_MUSCLE, REFERENCE_WATER } from './reference-tissues.js';

/** Fewest samples of each reference tissue for a calibration (about 2 cm2 of muscle over the slices read). */
const MIN_SAMPLES = 1000;
/** A scanner's HU scale is set on water and air at installation and checked daily; beyond this range the references, not the scanner, are wrong. */
const SCALE_RANGE: readonly [number, number] = [0.8, 1.25];
/**
 * The water reading a scanner may show and pass accreditation (ACR CT Accreditation Program, phantom
 * testing: water 0 +/- 7 HU). References implying a larger offset are atypical for this patient:
 * muscle infiltrated by fat reads low, and a low muscle reading looks like a low offset.
 */
const WATER_TOLERANCE_HU = 7;

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
 * energy; the energy at which their measured contrast matches, and the scanner's HU scale and
 * offset, follow from the image alone (after Michalski et al., Med Eng Phys 2020, who fitted the
 * energy to five tissues). The HU of a mg/cm3 of hydroxyapatite at that energy converts the
 * cancellous HU to mineral. Nothing is assumed about the scanner's beam or filtration.
 */
export function internalCalibration(o: InternalCalibrationOptions): InternalCalibrationResult {
  const { catalog, volume, sliceRange } = o;
  const samples = sampleReferenceTissues(volume, sliceRange);
  if (samples.counts.air < MIN_SAMPLES) return { ok: false, problem: 'too little air in the field for a phantomless calibration' };
  if (samples.counts.fat < MIN_SAMPLES) return { ok: false, problem: 'too little fat in the field for a phantomless calibration' };
  if (samples.counts.muscle < MIN_SAMPLES || Number.isNaN(samples.muscleHu))
    return { ok: false, problem: 'too little paraspinal muscle behind the spine for a phantomless calibration' };
  const fitted = fitEffectiveEnergy(catalog, {
    low: { hu: samples.airHu, composition: REFERENCE_AIR },
    middle: { hu: samples.fatHu, composition: REFERENCE_FAT },
    high: { hu: samples.muscleHu, composition: REFERENCE_MUSCLE },
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
  const waterReadingHu = scale * waterHu + offsetHu;
  const atypical =
    Math.abs(waterReadingHu) > WATER_TOLERANCE_HU
      ? `${readings} imply that water reads ${waterReadingHu.toFixed(0)} HU, beyond the +/-${WATER_TOLERANCE_HU} HU a scanner may show (ACR CT accreditation): a reference tissue is atypical (muscle infiltrated by fat reads low)`
      : null;
  const expectedFatHu = hounsfieldUnits(catalog, REFERENCE_FAT, energy);
  const slopeHuPerMg = (hounsfieldUnits(catalog, mineralised(REFERENCE_WATER, 100), energy) - waterHu) / 100;
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
