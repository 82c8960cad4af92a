// CT projection and reconstruction (the simulator's physics, issue 19 item 2) against closed forms:
// chords of a disc, its filtered back-projection, a water cylinder's cupping and its correction,
// beam hardening of bone by patient size, quantum noise with dose, and the two-material basis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { mineralised } from '../src/physics/composition.js';
import type { Composition } from '../src/physics/composition.js';
import { basisDensities } from '../src/physics/ct-reconstruction/basis-materials.js';
import type { BasisDensities } from '../src/physics/ct-reconstruction/basis-materials.js';
import { filteredBackProjection } from '../src/physics/ct-reconstruction/filtered-back-projection.js';
import type { ParallelGeometry } from '../src/physics/ct-reconstruction/parallel-projection.js';
import { projectParallel } from '../src/physics/ct-reconstruction/parallel-projection.js';
import { acquirePolychromaticSlice } from '../src/physics/ct-reconstruction/polychromatic-slice.js';
import type { PolychromaticScan } from '../src/physics/ct-reconstruction/polychromatic-slice.js';
import { hounsfieldUnits } from '../src/physics/ct-numbers.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { kramersSpectrum } from '../src/physics/x-ray-spectrum.js';

const catalog = await loadMaterialCatalog();
const WATER: Composition = [{ material: 'water', gPerCm3: 1 }];
const FAT: Composition = [{ material: 'adipose', gPerCm3: 0.93 }];
const BONE = mineralised(WATER, 200);

/** Pixel centres in mm about the rotation axis. */
function pixelMm(g: ParallelGeometry, i: number): number {
  return (i - (g.size - 1) / 2) * g.pixelMm;
}

function disc(g: ParallelGeometry, radiusMm: number, centre: [number, number] = [0, 0]): Float32Array {
  const image = new Float32Array(g.size * g.size);
  for (let j = 0; j < g.size; j++)
    for (let i = 0; i < g.size; i++) if (Math.hypot(pixelMm(g, i) - centre[0], pixelMm(g, j) - centre[1]) <= radiusMm) image[j * g.size + i] = 1;
  return image;
}

function roiMean(image: Float32Array, g: ParallelGeometry, centre: [number, number], radiusMm: number): { mean: number; sd: number } {
  const values: number[] = [];
  for (let j = 0; j < g.size; j++)
    for (let i = 0; i < g.size; i++) if (Math.hypot(pixelMm(g, i) - centre[0], pixelMm(g, j) - centre[1]) <= radiusMm) values.push(image[j * g.size + i]!);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) };
}

test('parallel projection of a disc gives its chords, 2 sqrt(R^2 - t^2), at every angle', () => {
  const g: ParallelGeometry = { size: 128, pixelMm: 1, views: 12, bins: 129, binMm: 1 };
  const sinogram = projectParallel(disc(g, 40), g);
  for (let v = 0; v < g.views; v++)
    for (const tMm of [0, 10, 25, 35]) {
      const b = (g.bins - 1) / 2 + tMm;
      const expectedCm = (2 * Math.sqrt(40 * 40 - tMm * tMm)) / 10;
      // A pixelated disc's chord differs from the circle's by up to about a pixel at the rim.
      assert.ok(
        Math.abs(sinogram[v * g.bins + b]! - expectedCm) < 0.12,
        `view ${v}, t ${tMm} mm: ${sinogram[v * g.bins + b]!.toFixed(3)} cm against ${expectedCm.toFixed(3)}`,
      );
    }
});

test('filtered back-projection returns a disc: 1 inside within 1 %, 0 outside, the soft kernel with a less steep edge', () => {
  const g: ParallelGeometry = { size: 128, pixelMm: 1, views: 180, bins: 185, binMm: 1 };
  const sinogram = projectParallel(disc(g, 40, [0, 10]), g);
  const edgeWidth: Record<string, number> = {};
  for (const kernel of ['sharp', 'soft'] as const) {
    const image = filteredBackProjection(sinogram, g, kernel);
    assert.ok(Math.abs(roiMean(image, g, [0, 10], 30).mean - 1) < 0.01, `${kernel}: inside ${roiMean(image, g, [0, 10], 30).mean}`);
    assert.ok(Math.abs(roiMean(image, g, [0, -50], 5).mean) < 0.01, `${kernel}: outside`);
    // The steepest step across the rim along x through the disc's centre row: the sharper the kernel, the steeper.
    const row = Math.round(10 / g.pixelMm + (g.size - 1) / 2);
    let steepest = 0;
    for (let i = 1; i < g.size; i++) steepest = Math.max(steepest, Math.abs(image[row * g.size + i]! - image[row * g.size + i - 1]!));
    edgeWidth[kernel] = 1 / steepest;
  }
  assert.ok(edgeWidth['soft']! > edgeWidth['sharp']!, `edge widths ${JSON.stringify(edgeWidth)}`);
});

const SPECTRUM_120 = kramersSpectrum(catalog, { kVp: 120, aluminiumMm: 8, binWidthKeV: 2, minimumKeV: 15 });

/** A water cylinder of the given diameter with a 200 mg/cm3 bone insert and a fat insert, as basis maps. */
function phantom(g: ParallelGeometry, diameterMm: number): { waterGPerCm3: Float32Array; hydroxyapatiteGPerCm3: Float32Array } {
  const bases: Array<[BasisDensities, (x: number, y: number) => boolean]> = [
    [basisDensities(catalog, WATER, SPECTRUM_120), (x, y) => Math.hypot(x, y) <= diameterMm / 2],
    [basisDensities(catalog, BONE, SPECTRUM_120), (x, y) => Math.hypot(x, y - 20) <= 12],
    [basisDensities(catalog, FAT, SPECTRUM_120), (x, y) => Math.hypot(x - 45, y) <= 12],
  ];
  const water = new Float32Array(g.size * g.size);
  const ha = new Float32Array(g.size * g.size);
  for (let j = 0; j < g.size; j++)
    for (let i = 0; i < g.size; i++)
      for (const [basis, inside] of bases)
        if (inside(pixelMm(g, i), pixelMm(g, j))) {
          water[j * g.size + i] = basis.waterGPerCm3;
          ha[j * g.size + i] = basis.hydroxyapatiteGPerCm3;
        }
  return { waterGPerCm3: water, hydroxyapatiteGPerCm3: ha };
}

const GEOMETRY: ParallelGeometry = { size: 128, pixelMm: 3.2, views: 180, bins: 132, binMm: 3.2 };
const scan = (o: Partial<PolychromaticScan>): PolychromaticScan => ({
  spectrum: SPECTRUM_120,
  geometry: GEOMETRY,
  kernel: 'soft',
  photonsPerRay: Infinity,
  waterCorrection: true,
  ...o,
});

test('a 120 kVp beam cups a water cylinder (centre below the rim) until the scanner water correction flattens it to 0 HU', () => {
  const maps = phantom(GEOMETRY, 350);
  const raw = acquirePolychromaticSlice(catalog, maps, scan({ waterCorrection: false }), new SeededRandom(1));
  const centre = roiMean(raw, GEOMETRY, [0, -50], 10).mean;
  const rim = roiMean(raw, GEOMETRY, [0, -150], 10).mean;
  assert.ok(rim - centre > 15, `cupping: rim ${rim.toFixed(1)}, centre ${centre.toFixed(1)} HU`);
  const corrected = acquirePolychromaticSlice(catalog, maps, scan({}), new SeededRandom(1));
  for (const at of [
    [0, -50],
    [0, -150],
    [-120, 0],
  ] as const)
    assert.ok(Math.abs(roiMean(corrected, GEOMETRY, [at[0], at[1]], 10).mean) < 2);
});

test('beam hardening: bone reads lower in a larger patient, between its HU at 60 and 85 keV; fat reads as at 60-85 keV', () => {
  const small = acquirePolychromaticSlice(catalog, phantom(GEOMETRY, 200), scan({}), new SeededRandom(1));
  const large = acquirePolychromaticSlice(catalog, phantom(GEOMETRY, 350), scan({}), new SeededRandom(1));
  const boneSmall = roiMean(small, GEOMETRY, [0, 20], 7).mean;
  const boneLarge = roiMean(large, GEOMETRY, [0, 20], 7).mean;
  assert.ok(boneSmall - boneLarge > 15, `bone ${boneSmall.toFixed(1)} HU in 20 cm, ${boneLarge.toFixed(1)} in 35 cm`);
  for (const hu of [boneSmall, boneLarge]) assert.ok(hu < hounsfieldUnits(catalog, BONE, 60) && hu > hounsfieldUnits(catalog, BONE, 85));
  const fat = roiMean(large, GEOMETRY, [45, 0], 7).mean;
  assert.ok(fat > hounsfieldUnits(catalog, FAT, 60) && fat < hounsfieldUnits(catalog, FAT, 85), `fat ${fat.toFixed(1)} HU`);
});

test('quantum noise falls as the square root of the photons', () => {
  const maps = phantom(GEOMETRY, 300);
  const sd = (photons: number): number =>
    roiMean(acquirePolychromaticSlice(catalog, maps, scan({ photonsPerRay: photons }), new SeededRandom(5)), GEOMETRY, [0, -60], 40).sd;
  const ratio = sd(1e5) / sd(1e6);
  assert.ok(ratio > 2.5 && ratio < 4, `sd ratio for 10x the photons ${ratio.toFixed(2)} (sqrt 10 = 3.16)`);
});

test('two basis materials reproduce tissue attenuation across the spectrum', () => {
  assert.deepEqual(
    Object.values(basisDensities(catalog, WATER, SPECTRUM_120)).map((v) => Number(v.toFixed(6))),
    [1, 0],
  );
  const bone = basisDensities(catalog, BONE, SPECTRUM_120);
  assert.ok(Math.abs(bone.hydroxyapatiteGPerCm3 - 0.2) < 1e-6 && Math.abs(bone.waterGPerCm3 - (1 - 200 / 3160)) < 1e-6);
  for (const composition of [FAT, [{ material: 'muscle', gPerCm3: 1.05 }], [{ material: 'cortical-bone-icru', gPerCm3: 1.92 }]] as Composition[]) {
    const b = basisDensities(catalog, composition, SPECTRUM_120);
    for (const e of [40, 60, 80, 100]) {
      let mu = 0;
      for (const part of composition) mu += part.gPerCm3 * catalog.get(part.material).massAttenuation(e);
      const fitted = b.waterGPerCm3 * catalog.get('water').massAttenuation(e) + b.hydroxyapatiteGPerCm3 * catalog.get('hydroxyapatite').massAttenuation(e);
      assert.ok(Math.abs(fitted / mu - 1) < 0.01, `${composition[0]!.material} at ${e} keV: ${fitted} against ${mu}`);
    }
  }
  assert.ok(basisDensities(catalog, FAT, SPECTRUM_120).hydroxyapatiteGPerCm3 < 0);
});
