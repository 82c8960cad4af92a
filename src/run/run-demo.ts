import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MeasurementMetrics } from '../evaluate/measurement-metrics.js';
import { runEvaluation } from '../evaluate/run-evaluation.js';
import type { Site } from '../pipelines/registry.js';
import { PIPELINE_FRONTS, SITES, withPipeline } from '../pipelines/registry.js';
import { simulateCohort } from '../simulate/simulate-cohort.js';
import { writeEvaluationReport } from '../report/write-evaluation-report.js';
import { DEMO_PLANS, type DemoPlan } from './demo-plans.js';
import { runAnalyze } from './run-analyze.js';
import { runPredict } from './run-predict.js';
import { runTrain } from './run-train.js';

export interface RunDemoOptions {
  out?: string | undefined;
  /** Cases per site (default: each plan's); 0 leaves a site out. */
  n: Partial<Record<Site, number>>;
  seed: number;
  say: (line: string) => void;
}

/**
 * `openbmd demo`: every pipeline end to end on a fresh SIMULATED cohort. The shipped networks
 * (trained on other simulated cohorts) do the image work; the calibration is cross-validated in
 * patient-grouped folds, or, where the plan says so, the shipped model measures the cohort as it is;
 * the evaluation report and one analysed case show the figures and the evidence.
 */
export async function runDemo(o: RunDemoOptions): Promise<void> {
  const started = Date.now();
  const out = resolve(o.out ?? 'openbmd-demo');
  const sites = SITES.filter((s) => (o.n[s] ?? DEMO_PLANS[s].defaultN) > 0);
  const steps = sites.length * 4;
  let step = 0;
  const say = (line: string): void => o.say(`openbmd demo: ${++step}/${steps} ${line}`);
  for (const site of sites) {
    const plan = DEMO_PLANS[site];
    const n = o.n[site] ?? plan.defaultN;
    const cohortDir = join(out, `${site}-cohort`);
    say(`${PIPELINE_FRONTS[site].title}: simulating ${plan.cohort(n)} into ${cohortDir}`);
    const cohortCsv = await simulateCohort(site, {
      n,
      out: cohortDir,
      seed: o.seed,
      ...plan.simulate.options,
      command: ['openbmd simulate', site, '--n', n, '--out', cohortDir, '--seed', o.seed, ...plan.simulate.words].join(' '),
      say: o.say,
    });
    const shipped = PIPELINE_FRONTS[site].defaultModelDir();
    const figures =
      plan.figures === 'shipped'
        ? await shippedModelFigures({ site, cohortCsv, shipped, outDir: join(out, `${site}-evaluation`), say, log: o.say })
        : await crossValidatedFigures({ site, cohortCsv, n, seed: o.seed, shipped, plan, outDir: join(out, `${site}-model`), say, log: o.say });
    say(`evaluation report: ${join(figures.reportDir, 'report.html')} and ${join(figures.reportDir, 'report.pdf')} (metrics.json beside them)`);
    const picked = await withPipeline(site, (p) => {
      const cases = p.readCohort(cohortCsv).cases;
      const c = cases[plan.pickCase(cases)]!;
      return { c, request: p.caseRequest(c, p.defaultPhantom) };
    });
    const analyzed = await runAnalyze({
      inputs: picked.request.inputs,
      site,
      modelDir: figures.modelDir,
      outDir: join(out, `analyze-${picked.c.caseId}`),
      phantom: picked.request.phantom,
      person: { sex: picked.c.sex, ageYears: picked.c.ageYears, heightCm: picked.c.heightCm, weightKg: picked.c.weightKg },
      say: o.say,
    });
    say(`one case analysed with the ${figures.modelWords}: ${Object.values(analyzed.files).join(', ')}`);
    for (const line of figures.lines) o.say(`openbmd demo: SIMULATED ${site} cohort, ${line}`);
  }
  o.say(`openbmd demo: done in ${((Date.now() - started) / 1000).toFixed(0)} s; everything is in ${out}`);
}

interface DemoFigures {
  /** The model the picked case is analysed with. */
  modelDir: string;
  modelWords: string;
  /** Where metrics.json and the report are. */
  reportDir: string;
  /** One line per measurement: where the figure comes from, and r, R2, MAE and bias. */
  lines: string[];
}

interface FiguresOptions {
  site: Site;
  cohortCsv: string;
  shipped: string;
  outDir: string;
  say: (line: string) => void;
  log: (line: string) => void;
}

function metricLine(column: string, label: string | undefined, m: MeasurementMetrics): string {
  return `${column} (${label === undefined ? '' : `${label}, `}n = ${m.n}): r = ${m.pcc.toFixed(3)}, R2 = ${m.r2.toFixed(3)}, MAE = ${m.mae.toFixed(3)}, bias = ${m.bias.toFixed(3)}`;
}

/** The calibration trained on the fresh cohort in patient-grouped folds, the shipped networks doing the image work. */
async function crossValidatedFigures(o: FiguresOptions & { n: number; seed: number; plan: DemoPlan }): Promise<DemoFigures> {
  const folds = Math.min(5, Math.max(2, Math.floor(o.n / 4)));
  o.say(`measuring every case with the shipped networks (${o.shipped}) and cross-validating the calibration (${folds} patient-grouped folds)`);
  const trained = await runTrain({
    site: o.site,
    cohortCsv: o.cohortCsv,
    outDir: o.outDir,
    folds,
    seed: o.seed,
    networksFrom: o.shipped,
    options: o.plan.train,
    command: [
      `openbmd train ${o.site} --cohort ${o.cohortCsv} --out ${o.outDir} --folds ${folds} --seed ${o.seed} --networks ${o.shipped}`,
      ...Object.entries(o.plan.train).map(([key, value]) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${String(value)}`),
    ].join(' '),
    say: o.log,
  });
  return {
    modelDir: o.outDir,
    modelWords: 'cross-validated model',
    reportDir: o.outDir,
    lines: Object.entries(trained.metrics).flatMap(([label, byColumn]) =>
      Object.entries(byColumn).map(([column, m]) => `out-of-fold ${metricLine(column, label, m)}`),
    ),
  };
}

/** The shipped model, as it is, on the fresh cohort: `predict`, then `evaluate` against the simulator's truth. */
async function shippedModelFigures(o: FiguresOptions): Promise<DemoFigures> {
  o.say(`measuring every case with the shipped model (${o.shipped}), fitted on other SIMULATED persons`);
  mkdirSync(o.outDir, { recursive: true });
  const predictionsCsv = join(o.outDir, 'predictions.csv');
  await runPredict({ modelDir: o.shipped, cohortCsv: o.cohortCsv, outCsv: predictionsCsv, say: o.log });
  const evaluation = runEvaluation({ cohortCsv: o.cohortCsv, predictionsCsv, model: o.shipped });
  await writeEvaluationReport(evaluation, o.outDir);
  return {
    modelDir: o.shipped,
    modelWords: `shipped model (${o.shipped})`,
    reportDir: o.outDir,
    lines: Object.entries(evaluation.document.measurements).map(([column, m]) => `shipped model on these persons, ${metricLine(column, undefined, m)}`),
  };
}
