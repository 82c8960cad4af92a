/**
 * One CT series through the ct-spine pipeline in this process: the whole `analyze` (series read to
 * PDF and Secondary Capture written) timed once, then each stage timed on its own; prints JSON with
 * the peak RSS of the process.
 */
import { join } from 'node:path';
import { loadClinicalKnowledge } from '../src/clinical/clinical-knowledge.js';
import { nnBackend } from '../src/nn/nn-backend.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { loadCtSpinePipeline } from '../src/pipelines/ct-spine/index.js';
import { analyzeStudy } from '../src/run/analyze-study.js';
import { simulatedBanner } from '../src/report/analysis-explanation.js';
import { resultEnvelope } from '../src/report/result-envelope.js';
import { writeAnalysisOutputs } from '../src/report/write-analysis-outputs.js';
import { readCtRodPhantom } from '../src/calibration/ct-rods/ct-rod-phantom.js';
import { findCtRods } from '../src/calibration/ct-rods/find-ct-rods.js';
import { internalCalibration, internalCalibrationMgPerCm3 } from '../src/calibration/phantomless/internal-calibration.js';
import { defaultCtSpineModelDir } from '../src/pipelines/ct-spine/ct-spine-front.js';
import { loadCtSpineModel } from '../src/pipelines/ct-spine/ct-spine-model.js';
import { readCtSpineSeries } from '../src/pipelines/ct-spine/ct-spine-series.js';
import { ellipticalRoi } from '../src/pipelines/ct-spine/elliptical-roi.js';
import { locateVertebrae } from '../src/pipelines/ct-spine/locate-vertebrae.js';
import { segmentCancellous } from '../src/pipelines/ct-spine/segment-cancellous.js';
import { applyVbmdRegression } from '../src/pipelines/ct-spine/vbmd-regression.js';
import { vbmdRegressionInput } from '../src/pipelines/ct-spine/vbmd-regression-input.js';

const [folder, phantomPath, outDir] = process.argv.slice(2) as [string, string, string];
const started = process.hrtime.bigint();
const tf = await nnBackend('wasm');
const model = await loadCtSpineModel(tf, defaultCtSpineModelDir());
const catalog = loadMaterialCatalog();
const knowledge = loadClinicalKnowledge();
const loadedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
const t0 = process.hrtime.bigint();
// What analyze does after loading the model: the per-case function, the explanation and every output.
const pipeline = await loadCtSpinePipeline();
const analyzed = await analyzeStudy({
  pipeline,
  tf,
  model,
  request: { inputs: [folder], phantom: phantomPath },
  person: { ageYears: 65, sex: 'F' },
  knowledge,
});
const explanation = pipeline.explain(analyzed.analysis, model, analyzed.study, simulatedBanner(analyzed.study.simulated));
const envelope = resultEnvelope({
  pipeline: pipeline.site,
  method: pipeline.method,
  inputs: [folder],
  uids: analyzed.study,
  simulated: analyzed.study.simulated,
  phantom: null,
  person: analyzed.person,
  summary: pipeline.summarize(analyzed.analysis),
  refusingFlags: pipeline.refusingFlags,
  refusal: analyzed.refusal,
  model: model.description,
  provenance: explanation.provenance,
});
await writeAnalysisOutputs({ outDir: join(outDir, 'analyze'), envelope, explanation, identity: analyzed.study.identity });
const analyzeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const stages: Record<string, number> = {};
const time = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
  const s = process.hrtime.bigint();
  const value = await f();
  stages[name] = Number(process.hrtime.bigint() - s) / 1e9;
  return value;
};
const series = await time('read series', () => readCtSpineSeries(folder));
const located = await time('localisation (MIPs, two SCNs)', () => locateVertebrae(tf, model.networks, series.volume));
const centres = located.levels.filter((l) => l.centreMm !== null).map((l) => l.centreMm!);
const segmented = await time('segmentation (3-D U-Net, 3 crops)', () => segmentCancellous(tf, model.networks.segmentation, series.volume, centres));
await time('elliptical ROIs', () => centres.map((c) => ellipticalRoi(series.volume, c)));
await time('rod search and fit', () => findCtRods(series.volume, readCtRodPhantom(phantomPath), [0, series.volume.size[2] - 1]));
const phantomless = await time('phantomless calibration', () =>
  internalCalibration({ catalog, volume: series.volume, sliceRange: [0, series.volume.size[2] - 1], kVp: series.info.kvp }),
);
if (phantomless.ok) {
  const c = phantomless.calibration;
  await time('DenseNet vBMD (3 levels)', () => {
    const levels = segmented.map((s) => ({
      regressionInput: vbmdRegressionInput(s.hu, s.probability, (hu) => internalCalibrationMgPerCm3(c, hu)),
      densenetMgPerCm3: null as number | null,
    }));
    applyVbmdRegression(tf, model.networks.regression, levels);
  });
}
process.stdout.write(`${JSON.stringify({ loadedSeconds, analyzeSeconds, stages, maxRssKiB: process.resourceUsage().maxRSS, size: series.volume.size })}\n`);
