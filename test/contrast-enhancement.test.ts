// Intravenous contrast: the simulator's portal-venous phase (iodine in blood, kidneys, liver,
// spleen, muscle and marrow; ContrastBolusAgent in some series), and the pipeline reading it off the
// image when the DICOM does not say so (the aorta region in front of the bodies), flagging it.
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
const ARGS = '--n 6 --seed 43 --ct-matrix 256 --pixel-mm 1.6 --ct-slices 60 --slice-mm 5 --contrast-share 0.5';
const run = runCli(['simulate', 'ct-spine', '--out', out, ...ARGS.split(' ')], 300_000);

interface Truth {
  ivContrast: { bloodIodineMgPerCm3: number; tagged: boolean } | null;
  regionHu: Record<string, number>;
  levels: { level: string; bodyCentroidMm?: [number, number, number] }[];
}
const truthOf = (c: string): Truth => JSON.parse(readFileSync(join(out, 'truth', `${c}.json`), 'utf8')) as Truth;
const cases = (): string[] => readdirSync(join(out, 'images')).sort();

test('a closed-form aorta: 40 HU blood is unenhanced, 170 HU is enhanced, a calcified ring does not count as lumen', () => {
  const size: [number, number, number] = [200, 200, 10];
  const make = (lumenHu: number, plaque: boolean) => {
    const data = new Float32Array(size[0] * size[1] * size[2]).fill(40);
    for (let k = 0; k < size[2]; k++)
      for (let j = 0; j < size[1]; j++)
        for (let i = 0; i < size[0]; i++) {
          const r = Math.hypot(i - 115, j - 60);
          const p = i + size[0] * (j + size[1] * k);
          if (r < 11) data[p] = lumenHu;
          if (plaque && r >= 11 && r < 13) data[p] = 900;
          if (Math.hypot(i - 100, j - 100) < 20) data[p] = 300; // the vertebral body
        }
    return createVolume3D({ data, size, spacingMm: [1, 1, 1], unit: 'HU' });
  };
  const centre: [number, number, number] = [100, 100, 5];
  const plain = readIvContrast(make(40, false), [centre]);
  assert.equal(plain.enhanced, false);
  assert.ok(Math.abs(plain.aortaRegionHu! - 40) < 1, `${plain.aortaRegionHu}`);
  const enhanced = readIvContrast(make(170, true), [centre]);
  assert.equal(enhanced.enhanced, true);
  assert.ok(Math.abs(enhanced.aortaRegionHu! - 170) < 1, `${enhanced.aortaRegionHu} (the plaque ring excluded)`);
});

test('simulated portal-venous series: blood, kidneys and liver enhance as published; the image reading finds every enhanced series and no other', async () => {
  assert.equal(run.status, 0, run.stderr);
  let enhancedSeries = 0;
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
      assert.ok(reading.aortaRegionHu! < ENHANCED_HU - 30, `${c}: aorta region ${reading.aortaRegionHu} HU, unenhanced`);
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
