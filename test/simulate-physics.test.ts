// The simulator's physics against closed forms and the NIST tables read independently: table
// interpolation, mixture additivity, monochromatic Beer-Lambert through a slab, beam hardening,
// CT numbers of water, fat and air, and exact chord lengths through the phantom's solids.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { packageDataPath } from '../src/core/package-paths.js';
import { effectiveEnergyKeV } from '../src/physics/ct-effective-energy.js';
import { hounsfieldUnits } from '../src/physics/ct-numbers.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { PolychromaticBeam } from '../src/physics/polychromatic-beam.js';
import { projectPhantom } from '../src/physics/project-phantom.js';
import type { ProjectionGeometry } from '../src/physics/projection-geometry.js';
import { kramersSpectrum, monoenergeticSpectrum } from '../src/physics/x-ray-spectrum.js';
import { PreparedSolid } from '../src/physics/phantom/ray-intersection.js';
import { rotationAbout } from '../src/physics/phantom/solid.js';
import { TISSUE } from '../src/simulate/tissues.js';

const catalog = loadMaterialCatalog();

/** mu/rho at exactly 60 keV, read from the CSV without the interpolation code. */
function tableValueAt60keV(relative: string): number {
  const line = readFileSync(packageDataPath('physics', relative), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('6.000E-02') || l.startsWith('6.000e-02'));
  assert.ok(line, `${relative} has a 60 keV row`);
  return Number(line.split(',')[1]);
}

test('NIST tables: values at table energies, log-log between rows, never across an edge', () => {
  assert.ok(Math.abs(catalog.get('water').massAttenuation(60) / tableValueAt60keV('nist/materials/water.csv') - 1) < 1e-12);
  // Between 50 and 60 keV the log-log line: water 0.2269 at 50, 0.2059 at 60.
  const expected = Math.exp(Math.log(0.2269) + (Math.log(55 / 50) / Math.log(60 / 50)) * (Math.log(0.2059) - Math.log(0.2269)));
  assert.ok(Math.abs(catalog.get('water').massAttenuation(55) - expected) < 1e-12);
  // Tungsten K edge at 69.525 keV: the coefficient jumps about five-fold across it.
  const w = catalog.get('tungsten');
  assert.ok(w.massAttenuation(69.6) / w.massAttenuation(69.4) > 4);
});

test('hydroxyapatite is the mass-fraction sum of Ca, P, O, H (Bragg additivity)', () => {
  const expected =
    0.3989 * tableValueAt60keV('nist/elements/z20.csv') +
    0.185 * tableValueAt60keV('nist/elements/z15.csv') +
    0.4141 * tableValueAt60keV('nist/elements/z08.csv') +
    0.002 * tableValueAt60keV('nist/elements/z01.csv');
  assert.ok(Math.abs(catalog.get('hydroxyapatite').massAttenuation(60) - expected) / expected < 1e-3);
});

const slabGeometry: ProjectionGeometry = {
  columns: 3,
  rows: 3,
  pixelSpacingMm: 1,
  detectorOriginMm: [-1, -1, 0],
  uAxis: [1, 0, 0],
  vAxis: [0, 1, 0],
  normal: [0, 0, 1],
};
function waterSlab(thicknessMm: number) {
  return {
    regions: [{ name: 'water', composition: TISSUE.water, maskBits: 1 }],
    solids: [
      {
        shape: 'box' as const,
        centerMm: [0, 0, 50] as [number, number, number],
        rotation: rotationAbout('z', 0.3),
        semiAxesMm: [40, 40, thicknessMm / 2] as const,
        region: 0,
        priority: 1,
      },
    ],
  };
}

test('a uniform slab transmits exp(-mu x) for a monochromatic beam', () => {
  for (const thicknessMm of [10, 50, 200]) {
    const projection = projectPhantom(waterSlab(thicknessMm), slabGeometry, ['water']);
    assert.ok(Math.abs(projection.arealGPerCm2[4]! - thicknessMm / 10) < 1e-5, 'areal density = rho * x');
    const beam = new PolychromaticBeam(catalog, monoenergeticSpectrum(60), undefined, ['water']);
    const out = { signal: 0, quanta: 0 };
    beam.transmit(projection.arealGPerCm2, 4, 9, out);
    const closedForm = Math.exp(-tableValueAt60keV('nist/materials/water.csv') * 1.0 * (thicknessMm / 10));
    assert.ok(Math.abs(out.signal - closedForm) / closedForm < 1e-6, `${thicknessMm} mm: ${out.signal} vs ${closedForm}`);
  }
});

test('a polychromatic beam hardens: effective attenuation falls with thickness', () => {
  const spectrum = kramersSpectrum(catalog, { kVp: 70, aluminiumMm: 2.5 });
  const beam = new PolychromaticBeam(catalog, spectrum, { cesiumIodideMm: 0.5 }, ['water']);
  const mu = [1, 5, 10, 20].map((cm) => beam.effectiveAttenuationPerCm('water', 1, cm));
  for (let i = 1; i < mu.length; i++) assert.ok(mu[i]! < mu[i - 1]! - 0.002, `mu_eff ${mu.join(', ')}`);
  // And the monochromatic beam does not.
  const mono = new PolychromaticBeam(catalog, monoenergeticSpectrum(50), undefined, ['water']);
  assert.ok(Math.abs(mono.effectiveAttenuationPerCm('water', 1, 1) - mono.effectiveAttenuationPerCm('water', 1, 20)) < 1e-12);
});

test('CT numbers at the 120 kVp effective energy: water 0, fat about -100, air -1000', () => {
  const energy = effectiveEnergyKeV(catalog, 120, 6, 20);
  assert.ok(energy > 55 && energy < 75, `effective energy ${energy} keV`);
  assert.ok(Math.abs(hounsfieldUnits(catalog, TISSUE.water, energy)) < 5);
  assert.ok(Math.abs(hounsfieldUnits(catalog, TISSUE.fat, energy) + 100) < 10, `fat ${hounsfieldUnits(catalog, TISSUE.fat, energy)}`);
  assert.ok(Math.abs(hounsfieldUnits(catalog, TISSUE.gas, energy) + 1000) < 5);
  const muscle = hounsfieldUnits(catalog, TISSUE.muscle, energy);
  assert.ok(muscle > 30 && muscle < 60, `muscle ${muscle}`);
});

test('ray casting gives exact chords: sphere, rotated ellipsoid, tapered tube, clipped box', () => {
  const out = new Float64Array(2);
  const sphere = new PreparedSolid({
    shape: 'ellipsoid',
    centerMm: [5, -3, 2],
    rotation: rotationAbout('x', 0.4),
    semiAxesMm: [10, 10, 10],
    region: 0,
    priority: 1,
  });
  for (const offset of [0, 3, 7.5, 9.9]) {
    assert.ok(sphere.intersect(5 + offset, -3, 100, 0, 0, -1, out));
    assert.ok(Math.abs(out[1]! - out[0]! - 2 * Math.sqrt(100 - offset * offset)) < 1e-9);
  }
  assert.equal(sphere.intersect(5 + 10.1, -3, 100, 0, 0, -1, out), false);
  // Ellipsoid with semi-axes 4, 6, 9 rotated 90 degrees about z: along world x the chord is 2 * 6.
  const ellipsoid = new PreparedSolid({
    shape: 'ellipsoid',
    centerMm: [0, 0, 0],
    rotation: rotationAbout('z', Math.PI / 2),
    semiAxesMm: [4, 6, 9],
    region: 0,
    priority: 1,
  });
  assert.ok(ellipsoid.intersect(-50, 0, 0, 1, 0, 0, out));
  assert.ok(Math.abs(out[1]! - out[0]! - 12) < 1e-9);
  // Tube of radius 5 at its centre, taper 0.5: radius 2.5 at z = -c, 7.5 at z = +c.
  const tube = new PreparedSolid({
    shape: 'tube',
    centerMm: [0, 0, 0],
    rotation: rotationAbout('z', 0),
    semiAxesMm: [5, 5, 20],
    taper: 0.5,
    region: 0,
    priority: 1,
  });
  assert.ok(tube.intersect(-50, 0, 10, 1, 0, 0, out));
  assert.ok(Math.abs(out[1]! - out[0]! - 2 * 5 * 1.25) < 1e-9);
  assert.ok(tube.intersect(0, 0, -100, 0, 0, 1, out));
  assert.ok(Math.abs(out[1]! - out[0]! - 40) < 1e-9);
  // Box clipped by the plane x <= 1 (local): from x = -3 to 1.
  const box = new PreparedSolid({
    shape: 'box',
    centerMm: [0, 0, 0],
    rotation: rotationAbout('z', 0),
    semiAxesMm: [3, 3, 3],
    clipPlanes: [{ normal: [1, 0, 0], offsetMm: 1 }],
    region: 0,
    priority: 1,
  });
  assert.ok(box.intersect(-10, 0, 0, 1, 0, 0, out));
  assert.ok(Math.abs(out[0]! - 7) < 1e-9 && Math.abs(out[1]! - 11) < 1e-9);
});

test('overlapping solids: the higher priority owns the overlap', () => {
  const phantom = {
    regions: [
      { name: 'outer', composition: TISSUE.water, maskBits: 1 },
      { name: 'inner', composition: TISSUE.fat, maskBits: 2 },
    ],
    solids: [
      {
        shape: 'box' as const,
        centerMm: [0, 0, 50] as [number, number, number],
        rotation: rotationAbout('z', 0),
        semiAxesMm: [40, 40, 20] as const,
        region: 0,
        priority: 1,
      },
      {
        shape: 'box' as const,
        centerMm: [0, 0, 50] as [number, number, number],
        rotation: rotationAbout('z', 0),
        semiAxesMm: [40, 40, 5] as const,
        region: 1,
        priority: 2,
      },
    ],
  };
  const projection = projectPhantom(phantom, slabGeometry, ['water', 'adipose']);
  assert.ok(Math.abs(projection.arealGPerCm2[4]! - 3.0) < 1e-5, 'water 30 mm');
  assert.ok(Math.abs(projection.arealGPerCm2[9 + 4]! - 0.93) < 1e-5, 'fat 10 mm at 0.93 g/cm3');
  assert.equal(projection.maskBits[4], 3);
});
