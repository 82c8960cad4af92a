import { join, resolve } from 'node:path';
import type { Site } from '../pipelines/registry.js';
import { PIPELINE_FRONTS, SITES, withPipeline } from '../pipelines/registry.js';
import { simulateCohort } from '../simulate/simulate-cohort.js';
import { DEMO_PLANS } from './demo-plans.js';
import { runAnalyze } from './run-analyze.js';
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
 * patient-grouped folds; the evaluation report and one analysed case show the figures and the
 * evidence.
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
    const modelDir = join(out, `${site}-model`);
    const folds = Math.min(5, Math.max(2, Math.floor(n / 4)));
    const shipped = PIPELINE_FRONTS[site].defaultModelDir();
    say(`measuring every case with the shipped networks (${shipped}) and cross-validating the calibration (${folds} patient-grouped folds)`);
    const trained = await runTrain({
      site,
      cohortCsv,
      outDir: modelDir,
      folds,
      seed: o.seed,
      networksFrom: shipped,
      options: plan.train,
      command: [
        `openbmd train ${site} --cohort ${cohortCsv} --out ${modelDir} --folds ${folds} --seed ${o.seed} --networks ${shipped}`,
        ...Object.entries(plan.train).map(([key, value]) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${String(value)}`),
      ].join(' '),
      say: o.say,
    });
    say(`evaluation report: ${join(modelDir, 'report.html')} and ${join(modelDir, 'report.pdf')} (metrics.json beside them)`);
    const picked = await withPipeline(site, (p) => {
      const cases = p.readCohort(cohortCsv).cases;
      const c = cases[plan.pickCase(cases)]!;
      return { c, request: p.caseRequest(c, p.defaultPhantom) };
    });
    const analyzed = await runAnalyze({
      inputs: picked.request.inputs,
      site,
      modelDir,
      outDir: join(out, `analyze-${picked.c.caseId}`),
      phantom: picked.request.phantom,
      person: { sex: picked.c.sex, ageYears: picked.c.ageYears, heightCm: picked.c.heightCm, weightKg: picked.c.weightKg },
      say: o.say,
    });
    say(`one case analysed with the cross-validated model: ${Object.values(analyzed.files).join(', ')}`);
    for (const [label, byColumn] of Object.entries(trained.metrics)) {
      for (const [column, m] of Object.entries(byColumn)) {
        o.say(
          `openbmd demo: SIMULATED ${site} cohort, out-of-fold ${column} (${label}, n = ${m.n}): r = ${m.pcc.toFixed(3)}, R2 = ${m.r2.toFixed(3)}, MAE = ${m.mae.toFixed(3)}, bias = ${m.bias.toFixed(3)}`,
        );
      }
    }
  }
  o.say(`openbmd demo: done in ${((Date.now() - started) / 1000).toFixed(0)} s; everything is in ${out}`);
}
