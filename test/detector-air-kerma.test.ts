/**
 * What an exposure in µGy at the detector means for quantum noise: the beam's photons per mm2 per
 * µGy of air kerma, checked against the closed form at one energy and against the fluence-to-kerma
 * ratios IEC 62220-1-1 tabulates for its RQA beam qualities; and the AEC's noise from it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import type { MaterialCatalog } from '../src/physics/material-catalog.js';
import { airKermaMicroGyPerPhotonPerMm2, PolychromaticBeam } from '../src/physics/polychromatic-beam.js';
import type { MaterialProjection } from '../src/physics/project-phantom.js';
import { exposeRadiograph } from '../src/physics/radiograph-exposure.js';
import { kramersSpectrum, monoenergeticSpectrum } from '../src/physics/x-ray-spectrum.js';

const catalog = loadMaterialCatalog();
const OPEN = Float64Array.of(0);

test('one 60 keV photon per mm2 is 2.92e-5 µGy of air kerma (NIST mu_en/rho of air 0.03041 cm2/g)', () => {
  // K = phi E mu_en/rho: 1e6 /m2 * 60 keV * 1.602176634e-16 J/keV * 0.003041 m2/kg.
  const closedForm = 1e6 * 60 * 1.602176634e-16 * 0.003041 * 1e6;
  assert.ok(Math.abs(airKermaMicroGyPerPhotonPerMm2(60, 0.03041) / closedForm - 1) < 1e-12);
  assert.ok(Math.abs(catalog.get('air').massEnergyAbsorption(60) - 0.03041) < 1e-9, 'the air table row at 60 keV');
  const beam = new PolychromaticBeam(catalog, monoenergeticSpectrum(60), undefined, ['water']);
  const perMicroGy = beam.detectedQuantaPerMm2PerMicroGy(OPEN, 0, 1);
  assert.ok(Math.abs(perMicroGy - 1 / closedForm) < 1, `${perMicroGy} photons/mm2/µGy, closed form ${1 / closedForm}`);
  // Through 20 cm of water the energy is the same, so the ratio is too.
  assert.ok(Math.abs(beam.detectedQuantaPerMm2PerMicroGy(Float64Array.of(20), 0, 1) / perMicroGy - 1) < 1e-9);
});

/** Half-value layer in mm of aluminium by air kerma, by bisection. */
function halfValueLayerMm(c: MaterialCatalog, kVp: number, aluminiumMm: number): number {
  const beam = new PolychromaticBeam(c, kramersSpectrum(c, { kVp, aluminiumMm, binWidthKeV: 1 }), undefined, ['aluminium']);
  const density = c.get('aluminium').densityGPerCm3;
  const kermaShare = (mm: number): number => {
    // Air kerma behind mm of Al relative to the open beam: fluence ratio times per-photon kerma ratio.
    const areal = Float64Array.of((density * mm) / 10);
    const photons = { signal: 0, quanta: 0 };
    beam.transmit(areal, 0, 1, photons);
    return (photons.quanta * beam.detectedQuantaPerMm2PerMicroGy(OPEN, 0, 1)) / beam.detectedQuantaPerMm2PerMicroGy(areal, 0, 1);
  };
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (kermaShare(mid) > 0.5) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The total aluminium filtration that gives a beam quality's half-value layer. */
function filtrationForHvl(c: MaterialCatalog, kVp: number, hvlMm: number): number {
  let lo = 0;
  let hi = 80;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (halfValueLayerMm(c, kVp, mid) < hvlMm) lo = mid;
    else hi = mid;
  }
  return lo;
}

test('photons per mm2 per µGy of the RQA beam qualities match IEC 62220-1-1 within 4 %', () => {
  // IEC 61267 qualities (tube voltage, first HVL in mm Al) and IEC 62220-1-1's SNR_in^2 per µGy.
  const qualities = [
    { name: 'RQA5', kVp: 70, hvlMm: 7.1, photonsPerMm2PerMicroGy: 29653 },
    { name: 'RQA9', kVp: 120, hvlMm: 11.5, photonsPerMm2PerMicroGy: 31007 },
  ];
  for (const q of qualities) {
    const aluminiumMm = filtrationForHvl(catalog, q.kVp, q.hvlMm);
    const beam = new PolychromaticBeam(catalog, kramersSpectrum(catalog, { kVp: q.kVp, aluminiumMm, binWidthKeV: 1 }), undefined, ['aluminium']);
    const perMicroGy = beam.detectedQuantaPerMm2PerMicroGy(OPEN, 0, 1);
    assert.ok(
      Math.abs(perMicroGy / q.photonsPerMm2PerMicroGy - 1) < 0.04,
      `${q.name} (${aluminiumMm.toFixed(1)} mm Al): ${perMicroGy.toFixed(0)} photons/mm2/µGy, IEC ${q.photonsPerMm2PerMicroGy}`,
    );
  }
});

test('with an AEC air kerma the noise behind a uniform slab is Poisson on K times the quanta per µGy', () => {
  const columns = 120;
  const rows = 120;
  const pixels = columns * rows;
  const waterGPerCm2 = 20;
  const projection: MaterialProjection = {
    columns,
    rows,
    materials: ['water'],
    arealGPerCm2: new Float32Array(pixels).fill(waterGPerCm2),
    mineralGPerCm2: new Float32Array(pixels),
    maskBits: new Uint16Array(pixels).fill(1),
  };
  const beam = new PolychromaticBeam(catalog, monoenergeticSpectrum(60), undefined, ['water']);
  const pixelSpacingMm = 0.5;
  const kermaMicroGy = 2.5;
  const { signal, chamberDetectedQuantaPerMm2 } = exposeRadiograph(
    projection,
    beam,
    {
      quantaPerMm2: 1,
      pixelSpacingMm,
      scatterFraction: 0,
      scatterSigmaMm: 10,
      blurSigmaMm: 0,
      automaticExposureSignal: 0.25,
      automaticExposureAirKermaMicroGy: kermaMicroGy,
    },
    new SeededRandom(3),
  );
  // 60 keV: 34,220 photons/mm2 per µGy, all counted (no detector model).
  const expectedQuanta = kermaMicroGy / (1e6 * 60 * 1.602176634e-16 * 0.003041 * 1e6);
  assert.ok(Math.abs(chamberDetectedQuantaPerMm2! / expectedQuanta - 1) < 1e-6, `${chamberDetectedQuantaPerMm2} quanta/mm2`);
  let mean = 0;
  for (const v of signal) mean += v;
  mean /= pixels;
  let variance = 0;
  for (const v of signal) variance += (v - mean) ** 2;
  const relativeSd = Math.sqrt(variance / (pixels - 1)) / mean;
  const expected = 1 / Math.sqrt(expectedQuanta * pixelSpacingMm * pixelSpacingMm);
  assert.ok(Math.abs(mean - 0.25) < 1e-3, `AEC signal ${mean}`);
  assert.ok(Math.abs(relativeSd / expected - 1) < 0.03, `relative SD ${relativeSd}, Poisson ${expected}`);
});
