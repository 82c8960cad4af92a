import type { Volume3D } from '../../core/volume3d.js';
import { mineralised } from '../../physics/composition.js';
import type { Composition } from '../../physics/composition.js';
import { effectiveEnergyKeV, hounsfieldUnits } from '../../physics/ct-numbers.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';

/** Reference tissues: air, and adipose tissue at 0.93 g/cm3 (Woodard & White 1986, adipose tissue 3). */
const AIR: Composition = [{ material: 'air', gPerCm3: 0.001205 }];
const FAT: Composition = [{ material: 'adipose', gPerCm3: 0.93 }];
const WATER: Composition = [{ material: 'water', gPerCm3: 1 }];
/** Filtration assumed when the series does not say (mm Al at the beam centre; 120 kVp scanners show 70-73 keV behind a patient with 12-16). */
export const ASSUMED_FILTRATION_MM_AL = 14;

export interface InternalCalibration {
  method: 'phantomless-air-fat';
  airHu: number;
  fatHu: number;
  /** The tissues' HU at the estimated effective energy (NIST attenuation). */
  expectedAirHu: number;
  expectedFatHu: number;
  /** Stored = scale * true + offset, solved from the two references. */
  scale: number;
  offsetHu: number;
  effectiveEnergyKeV: number;
  /** HU per mg/cm3 of hydroxyapatite in water at that energy. */
  slopeHuPerMg: number;
  /**
   * The hydroxyapatite a marrow of pure fat seems to lack at that energy, (HU water - HU fat) /
   * slopeHuPerMg: single-energy QCT reads marrow fat as missing mineral, this much per unit fat
   * fraction. It falls with the energy less steeply than the mineral's contrast, so it depends on kVp.
   */
  fatMineralEquivalentMgPerCm3: number;
  waterEquivalentDiameterCm: number;
  kVp: number;
  sliceRange: [number, number];
}

export type InternalCalibrationResult = { ok: true; calibration: InternalCalibration } | { ok: false; problem: string };

/** Median of the values of a voxel sample, or NaN when empty. */
function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

/**
 * Phantomless internal calibration from air and fat: both are in every scan, their attenuation is
 * known, so the scanner's HU scale and offset follow from their measured HU; the effective energy
 * comes from the tube voltage and the patient's size (water-equivalent diameter), and with it the
 * HU of a mg/cm3 of hydroxyapatite. Air is taken outside the body, fat as the subcutaneous/visceral
 * fat peak (5x5 means of -150 to -50 HU) inside it, over the slices of the target levels.
 */
export function internalCalibration(
  catalog: MaterialCatalog,
  volume: Volume3D,
  kVp: number | undefined,
  sliceRange: [number, number],
): InternalCalibrationResult {
  if (kVp === undefined || !(kVp >= 70 && kVp <= 150))
    return { ok: false, problem: `phantomless calibration needs the tube voltage (KVP), got ${kVp ?? 'none'}` };
  const [nx, ny] = volume.size;
  const [sx, sy] = volume.spacingMm;
  const air: number[] = [];
  const fat: number[] = [];
  let bodyVoxels = 0;
  let slices = 0;
  // Fat is read on 5x5 in-plane means: at low dose a voxel's noise (30-40 HU) spreads fat over the
  // whole window and mixes in the tails of muscle; the means keep homogeneous fat.
  const localMean = (base: number, i: number, j: number): number => {
    let sum = 0;
    for (let dj = -2; dj <= 2; dj++) for (let di = -2; di <= 2; di++) sum += volume.data[base + (j + dj) * nx + i + di]!;
    return sum / 25;
  };
  for (let k = sliceRange[0]; k <= sliceRange[1]; k += 2) {
    slices++;
    const base = nx * ny * k;
    for (let p = 0; p < nx * ny; p += 3) {
      const v = volume.data[base + p]!;
      if (v < -900) {
        if (air.length < 200_000) air.push(v);
      } else if (v > -200) {
        bodyVoxels++;
        const i = p % nx;
        const j = Math.floor(p / nx);
        if (v < 0 && fat.length < 200_000 && i >= 2 && j >= 2 && i < nx - 2 && j < ny - 2) {
          const m = localMean(base, i, j);
          if (m >= -150 && m <= -50) fat.push(m);
        }
      }
    }
  }
  if (air.length < 1000) return { ok: false, problem: 'too little air in the field for a phantomless calibration' };
  if (fat.length < 1000) return { ok: false, problem: 'too little fat in the field for a phantomless calibration' };
  // Body area from the sampled voxels (every third, every second slice) -> water-equivalent diameter.
  const areaCm2 = ((bodyVoxels * 3) / slices) * sx * sy * 0.01;
  const waterEquivalentDiameterCm = 0.95 * 2 * Math.sqrt(areaCm2 / Math.PI);
  const energy = effectiveEnergyKeV(catalog, kVp, ASSUMED_FILTRATION_MM_AL, waterEquivalentDiameterCm);
  const airHu = median(air);
  const fatHu = refineFatPeak(fat);
  const expectedAirHu = hounsfieldUnits(catalog, AIR, energy);
  const expectedFatHu = hounsfieldUnits(catalog, FAT, energy);
  const scale = (fatHu - airHu) / (expectedFatHu - expectedAirHu);
  const offsetHu = airHu - scale * expectedAirHu;
  const waterHu = hounsfieldUnits(catalog, WATER, energy);
  const slopeHuPerMg = (hounsfieldUnits(catalog, mineralised(WATER, 100), energy) - waterHu) / 100;
  const fatMineralEquivalentMgPerCm3 = (waterHu - expectedFatHu) / slopeHuPerMg;
  if (!(scale > 0.8 && scale < 1.25))
    return { ok: false, problem: `air (${airHu.toFixed(0)} HU) and fat (${fatHu.toFixed(0)} HU) imply an HU scale of ${scale.toFixed(3)}, outside 0.8-1.25` };
  return {
    ok: true,
    calibration: {
      method: 'phantomless-air-fat',
      airHu,
      fatHu,
      expectedAirHu,
      expectedFatHu,
      scale,
      offsetHu,
      effectiveEnergyKeV: energy,
      slopeHuPerMg,
      fatMineralEquivalentMgPerCm3,
      waterEquivalentDiameterCm,
      kVp,
      sliceRange,
    },
  };
}

/** The fat peak: mean of the local means within 25 HU of their median. */
function refineFatPeak(values: number[]): number {
  const m = median(values);
  const near = values.filter((v) => Math.abs(v - m) <= 25);
  return near.reduce((a, b) => a + b, 0) / near.length;
}

/** mg/cm3 of hydroxyapatite from a cancellous mean HU under the internal calibration (marrow taken as water-equivalent, as QCT does). */
export function internalCalibrationMgPerCm3(c: InternalCalibration, meanHu: number): number {
  const trueHu = (meanHu - c.offsetHu) / c.scale;
  return trueHu / c.slopeHuPerMg;
}
