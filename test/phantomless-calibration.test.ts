// The phantomless calibration on closed-form trunks: tissues drawn at a chosen energy with a chosen
// scanner HU error and noise, the calibration told nothing but the image. It must find the energy,
// the scale and the offset, and so the mineral of a bone insert of known content.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitEffectiveEnergy } from '../src/calibration/phantomless/effective-energy-fit.js';
import type { ReferenceReading } from '../src/calibration/phantomless/effective-energy-fit.js';
import { internalCalibration, internalCalibrationMgPerCm3 } from '../src/calibration/phantomless/internal-calibration.js';
import { tissuePeakHu } from '../src/calibration/phantomless/reference-tissue-samples.js';
import { CALIBRATED_SCANNER, REFERENCE_AIR, REFERENCE_FAT, REFERENCE_MUSCLE, REFERENCE_WATER } from '../src/calibration/phantomless/reference-tissues.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { createVolume3D } from '../src/core/volume3d.js';
import type { Volume3D } from '../src/core/volume3d.js';
import { mineralised } from '../src/physics/composition.js';
import { hounsfieldUnits } from '../src/physics/ct-numbers.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';

const catalog = await loadMaterialCatalog();
const BONE_MG = 150;

interface TrunkOptions {
  energyKeV: number;
  scale: number;
  offsetHu: number;
  noiseSdHu: number;
  /** Replace the muscle's HU (a fat-infiltrated muscle); default: ICRU-44 muscle at the energy. */
  muscleTrueHu?: number;
  /** Replace the fat's HU. */
  fatTrueHu?: number;
  /** Replace the air's HU (a scanner that writes air high). */
  airTrueHu?: number;
  /** Fill the trunk with fat only (no muscle). */
  noMuscle?: boolean;
}

/**
 * An elliptic trunk (140 x 110 mm, +y posterior) at 1 mm: a 12 mm fat layer, muscle inside, and a
 * 30 mm bone insert of BONE_MG mg/cm3 hydroxyapatite in water where the vertebral body would be.
 */
function trunk(o: TrunkOptions): Volume3D {
  const size = [180, 150, 6] as const;
  const random = new SeededRandom(7);
  const stored = (trueHu: number): number => o.scale * trueHu + o.offsetHu;
  const air = stored(o.airTrueHu ?? hounsfieldUnits(catalog, REFERENCE_AIR, o.energyKeV));
  const fat = stored(o.fatTrueHu ?? hounsfieldUnits(catalog, REFERENCE_FAT, o.energyKeV));
  const muscle = stored(o.muscleTrueHu ?? hounsfieldUnits(catalog, REFERENCE_MUSCLE, o.energyKeV));
  const bone = stored(hounsfieldUnits(catalog, mineralised(REFERENCE_WATER, BONE_MG), o.energyKeV));
  const data = new Float32Array(size[0] * size[1] * size[2]);
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++) {
        const x = i - 90;
        const y = j - 75;
        const r = Math.hypot(x / 70, y / 55);
        const inner = Math.hypot(x / 58, y / 43);
        let v = air;
        if (r <= 1) v = inner <= 1 && !o.noMuscle ? muscle : fat;
        if (Math.hypot(x, y - 5) <= 15) v = bone;
        data[i + size[0] * (j + size[1] * k)] = v + o.noiseSdHu * random.nextNormal();
      }
  return createVolume3D({ data, size, spacingMm: [1, 1, 2.5], unit: 'HU' });
}

/** Mean of the bone insert's core (radius 10 mm). */
function boneMeanHu(v: Volume3D): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < v.size[2]; k++)
    for (let j = 0; j < v.size[1]; j++)
      for (let i = 0; i < v.size[0]; i++)
        if (Math.hypot(i - 90, j - 80) <= 10) {
          sum += v.data[i + v.size[0] * (j + v.size[1] * k)]!;
          n++;
        }
  return sum / n;
}

for (const energyKeV of [55, 68, 85]) {
  test(`phantomless calibration finds a ${energyKeV} keV beam, the scanner's HU error and a bone insert's mineral from air, fat and muscle alone`, () => {
    const volume = trunk({ energyKeV, scale: 1.004, offsetHu: 2, noiseSdHu: 25 });
    const result = internalCalibration({ catalog, volume, sliceRange: [0, 5] });
    assert.ok(result.ok, result.ok ? '' : result.problem);
    const c = result.calibration;
    console.log(
      `drawn at ${energyKeV} keV, scale 1.004, offset 2 HU: fitted ${c.effectiveEnergyKeV.toFixed(1)} keV, scale ${c.scale.toFixed(4)}, offset ${c.offsetHu.toFixed(2)} HU`,
    );
    // Fat's HU changes less per keV at high energy, so the energy is looser there; the mineral is not.
    assert.ok(Math.abs(c.effectiveEnergyKeV - energyKeV) < 5, `energy ${c.effectiveEnergyKeV.toFixed(2)} keV, drawn at ${energyKeV}`);
    assert.ok(Math.abs(c.scale - 1.004) < 0.01, `scale ${c.scale.toFixed(4)}`);
    assert.ok(Math.abs(c.offsetHu - 2) < 3, `offset ${c.offsetHu.toFixed(2)} HU`);
    assert.equal(c.kVp, null);
    assert.equal(c.atypical, null);
    const mg = internalCalibrationMgPerCm3(c, boneMeanHu(volume));
    console.log(`bone insert ${mg.toFixed(1)} mg/cm3 against ${BONE_MG}`);
    assert.ok(Math.abs(mg - BONE_MG) < 12, `bone insert ${mg.toFixed(1)} mg/cm3 against ${BONE_MG}`);
    // The mineral's contrast falls with energy: about 2.0 HU per mg/cm3 at 55 keV, 1.4 at 68, 1.0 at 85.
    assert.ok(c.slopeHuPerMg > 0.9 && c.slopeHuPerMg < 2.1);
  });
}

test('phantomless calibration: muscle infiltrated by fat moves the mineral a little, not as an exact three-tissue solution would; fat like no adipose tissue is refused', () => {
  // 25 HU: the paraspinal muscle of an 80-year-old (Anderson et al. 2013), 18 HU under ICRU-44 muscle at 70 keV.
  const old = trunk({ energyKeV: 70, scale: 1, offsetHu: 0, noiseSdHu: 25, muscleTrueHu: 25 });
  const result = internalCalibration({ catalog, volume: old, sliceRange: [0, 5] });
  assert.ok(result.ok, result.ok ? '' : result.problem);
  const mg = internalCalibrationMgPerCm3(result.calibration, boneMeanHu(old));
  console.log(
    `muscle at 25 HU: ${result.calibration.effectiveEnergyKeV.toFixed(1)} keV, offset ${result.calibration.offsetHu.toFixed(1)} HU, bone insert ${mg.toFixed(1)} mg/cm3`,
  );
  // Solved exactly from air, fat and this muscle, the energy would be 93 keV under a -16 HU offset: the insert at 232.
  assert.ok(Math.abs(mg - BONE_MG) / BONE_MG < 0.12, `bone insert ${mg.toFixed(1)} mg/cm3`);
  assert.equal(result.calibration.atypical, null);
  // Fat at -55 HU is adipose tissue at no diagnostic energy: refused, with the readings.
  const wrong = internalCalibration({ catalog, volume: trunk({ energyKeV: 70, scale: 1, offsetHu: 0, noiseSdHu: 25, fatTrueHu: -55 }), sliceRange: [0, 5] });
  assert.equal(wrong.ok, false);
  assert.match(wrong.ok ? '' : wrong.problem, /fat -5\d HU, muscle 4\d HU: the reference tissues' contrast matches no energy/);
  // Air written at -950 HU: the fit cannot bring it to -1000 within a calibrated scanner's scale, and says so.
  const highAir = internalCalibration({ catalog, volume: trunk({ energyKeV: 70, scale: 1, offsetHu: 0, noiseSdHu: 25, airTrueHu: -950 }), sliceRange: [0, 5] });
  assert.ok(highAir.ok, highAir.ok ? '' : highAir.problem);
  console.log(`air at -950 HU: ${highAir.calibration.atypical}`);
  assert.match(
    highAir.calibration.atypical ?? '',
    /^no energy explains the references on a calibrated scanner \(chi-square \d+\.\d on 2 df\): air -95\d HU against -9\d\d \(\+\d\.\d sd\)/,
  );
});

test('phantomless calibration refuses, with the reason, a trunk without muscle and an energy above the stated kVp', () => {
  const noMuscle = internalCalibration({ catalog, volume: trunk({ energyKeV: 70, scale: 1, offsetHu: 0, noiseSdHu: 25, noMuscle: true }), sliceRange: [0, 5] });
  assert.equal(noMuscle.ok, false);
  assert.match(noMuscle.ok ? '' : noMuscle.problem, /too little paraspinal muscle/);
  const tooHigh = internalCalibration({ catalog, volume: trunk({ energyKeV: 85, scale: 1, offsetHu: 0, noiseSdHu: 25 }), sliceRange: [0, 5], kVp: 80 });
  assert.equal(tooHigh.ok, false);
  assert.match(tooHigh.ok ? '' : tooHigh.problem, /effective energy of 8\d keV, above the stated 80 kVp/);
});

test('the energy fit is exact on the noiseless readings of a calibrated scanner, and refuses contrast no energy gives', () => {
  for (const energyKeV of [40, 60, 100]) {
    const reading = (name: string, composition: typeof REFERENCE_FAT, sdHu: number): ReferenceReading => ({
      name,
      hu: hounsfieldUnits(catalog, composition, energyKeV),
      composition,
      sdHu,
    });
    const fit = fitEffectiveEnergy(catalog, {
      readings: [reading('air', REFERENCE_AIR, 10), reading('fat', REFERENCE_FAT, 10), reading('muscle', REFERENCE_MUSCLE, 15)],
      prior: CALIBRATED_SCANNER,
    });
    assert.ok(fit.ok);
    assert.ok(Math.abs(fit.fit.effectiveEnergyKeV - energyKeV) < 0.11, `${fit.fit.effectiveEnergyKeV} keV`);
    assert.ok(Math.abs(fit.fit.scale - 1) < 1e-3);
    assert.ok(Math.abs(fit.fit.offsetHu) < 0.2);
    for (const r of fit.fit.residuals) assert.ok(Math.abs(r.zScore) < 0.05);
  }
  // Fat at +100 HU: no energy makes adipose tissue denser than water.
  const impossible = fitEffectiveEnergy(catalog, {
    readings: [
      { name: 'air', hu: -1000, composition: REFERENCE_AIR, sdHu: 10 },
      { name: 'fat', hu: 100, composition: REFERENCE_FAT, sdHu: 10 },
      { name: 'muscle', hu: 40, composition: REFERENCE_MUSCLE, sdHu: 15 },
    ],
    prior: CALIBRATED_SCANNER,
  });
  assert.equal(impossible.ok, false);
});

test('a tissue peak is the mode of its local means, not their median: a tail of partial volume does not move it', () => {
  const random = new SeededRandom(3);
  const values: number[] = [];
  for (let i = 0; i < 4000; i++) values.push(45 + 4 * random.nextNormal());
  for (let i = 0; i < 2500; i++) values.push(15 + 30 * random.nextFloat());
  const peak = tissuePeakHu(values, [15, 100], 12);
  assert.ok(Math.abs(peak - 45) < 2, `peak ${peak.toFixed(1)}`);
});
