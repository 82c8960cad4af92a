// Intravenous contrast: the simulator's portal-venous phase (iodine in blood, kidneys, liver,
// spleen, muscle and marrow; ContrastBolusAgent in some series), and the pipeline reading it off the
// image when the DICOM does not say so (the aorta region in front of the bodies and the kidneys
// beside them), flagging it; positive oral contrast in the bowel is not flagged.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createVolume3D } from '../src/core/volume3d.js';
import { ENHANCED_HU, readIvContrast } from '../src/pipelines/ct-spine/contrast-enhancement.js';
import { readCtSpineSeries } from '../src/pipelines/ct-spine/ct-spine-series.js';
import { resultEnvelopeSchema } from '../src/report/result-envelope.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const out = tempDir('contrast-');
const ARGS = '--n 6 --seed 43 --ct-matrix 256 --pixel-mm 1.6 --ct-slices 60 --slice-mm 5 --contrast-share 0.5 --oral-contrast-share 0.5';
const run = runCli(['simulate', 'ct-spine', '--out', out, ...ARGS.split(' ')], 300_000);

interface Truth {
  ivContrast: { bloodIodineMgPerCm3: number; tagged: boolean } | null;
  oralContrast: { iodineMgPerCm3: number; loops: number } | null;
  regionHu: Record<string, number>;
  levels: { level: string; bodyCentroidMm?: [number, number, number] }[];
}
const truthOf = (c: string): Truth => JSON.parse(readFileSync(join(out, 'truth', `${c}.json`), 'utf8')) as Truth;
const cases = (): string[] => readdirSync(join(out, 'images')).sort();

test('a closed-form trunk: 40 HU blood is unenhanced; 170 HU in the aorta and kidneys is enhanced (a calcified ring is not lumen); a bright loop beside dark kidneys is bowel', () => {
  const size: [number, number, number] = [260, 200, 10];
  const make = (o: { lumenHu: number; kidneyHu: number; plaque: boolean }) => {
    const data = new Float32Array(size[0] * size[1] * size[2]).fill(40);
    for (let k = 0; k < size[2]; k++)
      for (let j = 0; j < size[1]; j++)
        for (let i = 0; i < size[0]; i++) {
          const r = Math.hypot(i - 145, j - 60);
          const p = i + size[0] * (j + size[1] * k);
          if (r < 11) data[p] = o.lumenHu;
          if (o.plaque && r >= 11 && r < 13) data[p] = 900;
          if (Math.hypot(i - 130, j - 100) < 20) data[p] = 300; // the vertebral body
          for (const side of [-1, 1]) if (Math.hypot((i - 130 - side * 72) / 25, (j - 112) / 22) < 1) data[p] = o.kidneyHu;
        }
    return createVolume3D({ data, size, spacingMm: [1, 1, 1], unit: 'HU' });
  };
  const centre: [number, number, number] = [130, 100, 5];
  const plain = readIvContrast(make({ lumenHu: 40, kidneyHu: 35, plaque: false }), [centre]);
  assert.equal(plain.enhanced, false);
  assert.ok(Math.abs(plain.aortaRegionHu! - 40) < 1 && Math.abs(plain.kidneyRegionHu! - 40) < 1, `${plain.aortaRegionHu} ${plain.kidneyRegionHu}`);
  const enhanced = readIvContrast(make({ lumenHu: 170, kidneyHu: 170, plaque: true }), [centre]);
  assert.equal(enhanced.enhanced, true);
  assert.ok(Math.abs(enhanced.aortaRegionHu! - 170) < 1, `${enhanced.aortaRegionHu} (the plaque ring excluded)`);
  assert.ok(Math.abs(enhanced.kidneyRegionHu! - 170) < 1, `${enhanced.kidneyRegionHu}`);
  // Opacified bowel where the aorta runs, the kidneys unenhanced: oral contrast, no flag.
  const bowel = readIvContrast(make({ lumenHu: 230, kidneyHu: 35, plaque: false }), [centre]);
  assert.equal(bowel.enhanced, false);
  assert.ok(bowel.aortaRegionHu! > 220, `${bowel.aortaRegionHu}`);
});

test('simulated portal-venous series: blood, kidneys and liver enhance as published; the image reading finds every enhanced series and no other, oral contrast included', async () => {
  assert.equal(run.status, 0, run.stderr);
  let enhancedSeries = 0;
  let oralOnly = 0;
  for (const c of cases()) {
    const truth = truthOf(c);
    const series = await readCtSpineSeries(join(out, 'images', c));
    const o = series.volume.originMm;
    const centres = truth.levels
      .filter((l) => (l.level === 'L1' || l.level === 'L2') && l.bodyCentroidMm !== undefined)
      .map((l) => l.bodyCentroidMm!.map((v, a) => v - o[a]!) as [number, number, number]);
    const reading = readIvContrast(series.volume, centres);
    const blood = truth.regionHu['blood']!;
    if (truth.ivContrast === null) {
      assert.ok(blood > 30 && blood < 70, `${c}: unenhanced blood ${blood}`);
      assert.ok(reading.kidneyRegionHu! < ENHANCED_HU - 10, `${c}: kidney region ${reading.kidneyRegionHu} HU, unenhanced`);
      if (truth.oralContrast === null) assert.ok(reading.aortaRegionHu! < ENHANCED_HU - 30, `${c}: aorta region ${reading.aortaRegionHu} HU, unenhanced`);
      else {
        oralOnly++;
        // Positive oral contrast reads about 150-300 HU at 120 kVp (4.5-9 mg/ml of iodine, trunk/oral-contrast.ts); less at 140.
        const bowel = truth.regionHu['opacified bowel (oral contrast)']!;
        assert.ok(bowel > 100 && bowel < 330, `${c}: opacified bowel ${bowel} HU`);
      }
      assert.equal(reading.enhanced, false, `${c}: aorta ${reading.aortaRegionHu} HU, kidneys ${reading.kidneyRegionHu} HU`);
      assert.ok(!series.qcFlags.includes('contrast-enhanced'));
    } else {
      enhancedSeries++;
      // Portal-venous: aorta 130-200 HU at 120 kVp, more at 100 kVp; kidneys 130-200; liver 80-120 (Bae 2010).
      assert.ok(blood > 130 && blood < 300, `${c}: blood ${blood}`);
      // Organs enhance in proportion to the blood (unenhanced: organs about 48 HU, blood about 57 HU here).
      const kidneyShare = (truth.regionHu['kidney']! - 48) / (blood - 57);
      const liverShare = (truth.regionHu['liver']! - 48) / (blood - 57);
      assert.ok(
        kidneyShare > 0.75 && kidneyShare < 1.05 && liverShare > 0.3 && liverShare < 0.5,
        `${c}: kidney ${kidneyShare.toFixed(2)}, liver ${liverShare.toFixed(2)} of the blood's enhancement`,
      );
      assert.ok(reading.enhanced, `${c}: aorta region ${reading.aortaRegionHu} HU`);
      assert.equal(series.qcFlags.includes('contrast-enhanced'), truth.ivContrast.tagged, `${c}: the DICOM names the agent only when tagged`);
    }
  }
  assert.ok(enhancedSeries >= 2, `${enhancedSeries} enhanced series`);
  assert.ok(oralOnly >= 1, `${oralOnly} series with oral contrast only`);
});

test('analyze flags an enhanced series whose DICOM names no agent', async () => {
  assert.equal(run.status, 0, run.stderr);
  const untagged = cases().find((c) => truthOf(c).ivContrast?.tagged === false);
  assert.ok(untagged !== undefined, 'an enhanced series without ContrastBolusAgent');
  const dir = join(out, `analyze-${untagged}`);
  const r = runCli(['analyze', join(out, 'images', untagged), '--out', dir], 300_000);
  const envelope = resultEnvelopeSchema.parse(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
  assert.ok(
    envelope.qcFlags.some((f) => f.flag === 'contrast-enhanced'),
    `exit ${r.status}; flags ${envelope.qcFlags.map((f) => f.flag).join(', ')}`,
  );
});
